import { expect, test as base } from '@playwright/test';

/**
 * The studio's tests: every page error and console error fails the test it happened in, so a
 * screen that throws while drawing (a chart, a grid) cannot pass by looking right.
 */
export const test = base.extend({
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
    });
    await use(page);
    expect(errors, 'errors in the page').toEqual([]);
  },
});

export { expect };
