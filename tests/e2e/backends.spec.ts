import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support/pageGuard.js';
import { checkScreenSizes } from './support/screens.js';
import { startStudioServer } from './support/studioServer.js';

test('web mode: the Train screen lists every backend, loaded or with its reason and fix', async ({ page }) => {
  const root = await mkdtemp(join(tmpdir(), 'gan-studio-e2e-backends-'));
  const server = await startStudioServer(root);
  try {
    await page.goto(server.url);
    await page.getByTestId('try-builtin').click();
    await page.getByTestId('nav-train').click();
    await page.getByTestId('backend-panel').locator('summary').click();
    for (const name of ['gpu', 'native', 'wasm', 'cpu']) await expect(page.getByTestId(`backend-${name}`)).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('backend-wasm')).toContainText('WebAssembly');
    // Where a backend does not load, the row says why and what to do.
    for (const name of ['gpu', 'native']) {
      const row = page.getByTestId(`backend-${name}`);
      if ((await row.locator('td').nth(1).textContent()) === 'no') await expect(row).toContainText('Fix:');
    }
    // Sideways overflow of the page or of any scrolling box (the main area included) fails; page errors fail the test.
    await checkScreenSizes(page, 'web-backends', () => page.getByTestId('backend-panel').scrollIntoViewIfNeeded());
  } finally {
    await page.close();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});
