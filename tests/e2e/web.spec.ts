import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as unguarded, type Page } from '@playwright/test';
import { expect, test } from './support/pageGuard.js';
import { buildImageFolder } from './support/imageFolder.js';
import { currentStep, screenshot, studioJourney } from './support/journey.js';
import { repoRoot } from './support/paths.js';
import { startStudioServer } from './support/studioServer.js';

/** Web mode: paths are typed into the field next to the button. */
async function typePath(page: Page, testid: string, path: string): Promise<void> {
  await page.getByTestId(`${testid}-path`).fill(path);
  await page.getByTestId(`${testid}-submit`).click();
}

test('web mode: the whole journey against the real engine', async ({ page }) => {
  const root = await mkdtemp(join(tmpdir(), 'gan-studio-e2e-'));
  const server = await startStudioServer(root);
  try {
    const { folder, images, corrupt } = await buildImageFolder(root);
    await page.goto(server.url);
    await studioJourney(page, {
      givePath: typePath,
      projectDir: join(root, 'journey project'),
      imageFolder: folder,
      images,
      corruptFile: corrupt,
      label: 'web',
    });
  } finally {
    await page.close();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});

// Refused connections log errors in the page by design, so this one test runs without the page-error guard.
unguarded('web mode: a page without the access token gets no studio', async ({ page }) => {
  const root = await mkdtemp(join(tmpdir(), 'gan-studio-e2e-'));
  const server = await startStudioServer(root);
  try {
    const url = new URL(server.url);
    await page.goto(`${url.origin}/`);
    await expect(page.locator('#app')).toContainText('no access token');
    await page.goto(`${url.origin}/?token=wrong-token-of-enough-length`);
    await expect(page.getByTestId('connecting')).toContainText('Cannot reach the studio');
    await expect(page.getByTestId('try-builtin')).toHaveCount(0);
  } finally {
    await page.close();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});

test('web mode: "Try it" starts training on the built-in shapes in two clicks', async ({ page }) => {
  const root = await mkdtemp(join(tmpdir(), 'gan-studio-e2e-'));
  const server = await startStudioServer(root);
  try {
    await page.goto(server.url);
    await page.getByTestId('try-builtin').click();
    await page.getByTestId('start-training').click();
    await expect(page.getByTestId('training-status')).toHaveText('Training', { timeout: 90_000 });
    await expect(page.getByTestId('project-name')).toHaveText('Shapes demo');
    await expect(page.getByTestId('sample-grid')).toBeVisible({ timeout: 60_000 });
    await screenshot(page, 'web-try-it');
    if (process.env.GAN_STUDIO_README_SCREENSHOT === '1') await readmeScreenshot(page);
    await page.getByTestId('stop-training').click();
    await expect(page.getByTestId('training-status')).toHaveText('Finished', { timeout: 90_000 });
  } finally {
    await page.close();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});

/**
 * The README's picture of the Train screen, taken once the shapes have begun to show (set
 * GAN_STUDIO_README_SCREENSHOT=1; off by default so a test run leaves the tracked file alone).
 */
async function readmeScreenshot(page: Page): Promise<void> {
  await expect.poll(() => currentStep(page), { timeout: 5 * 60_000, intervals: [2000] }).toBeGreaterThan(Number(process.env.GAN_STUDIO_README_STEPS ?? 1000));
  await page.waitForTimeout(2500);
  const path = join(repoRoot, 'assets', 'screenshot.png');
  await page.screenshot({ path, animations: 'disabled' });
  expect((await stat(path)).size, 'assets/screenshot.png stays under 300 KB').toBeLessThan(300 * 1024);
}
