import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { buildImageFolder } from './support/imageFolder.js';
import { studioJourney } from './support/journey.js';
import { startStudioServer } from './support/studioServer.js';

/** Web mode: paths are typed into the field next to the button. */
async function typePath(page: Page, testid: string, path: string): Promise<void> {
  await page.getByTestId(`${testid}-path`).fill(path);
  await page.getByTestId(`${testid}-submit`).click();
}

test('web mode: the whole journey against the real engine', async ({ page }) => {
  const root = await mkdtemp(join(tmpdir(), 'gan-studio-e2e-'));
  const server = await startStudioServer(root);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
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
    expect(pageErrors, 'errors in the page').toEqual([]);
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});

test('web mode: a page without the access token gets no studio', async ({ page }) => {
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
    await page.getByTestId('stop-training').click();
    await expect(page.getByTestId('training-status')).toHaveText('Finished', { timeout: 90_000 });
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});
