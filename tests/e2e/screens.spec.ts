import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/pageGuard.js';
import { repoRoot } from './support/paths.js';
import { checkScreenSizes } from './support/screens.js';
import { startStudioServer } from './support/studioServer.js';

/**
 * Every screen of a project with a measured run, at 1280x800 and 800x600: nothing overflows
 * sideways, nothing throws, and what the Runs screen exists for is on screen (the best
 * checkpoint, the real-image reference line, a sample grid big enough to see).
 */
const cli = (...args: string[]) => {
  const run = spawnSync(process.execPath, ['dist/main/cli.js', ...args], { cwd: repoRoot, encoding: 'utf8' });
  expect(run.status, `gan-studio ${args.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(0);
  return run.stdout;
};

/** Right edge of an element against the right edge of the main area it scrolls in. */
const insideMain = (page: Page, testid: string) =>
  page.getByTestId(testid).evaluate((el) => el.getBoundingClientRect().right <= (document.querySelector('main')?.getBoundingClientRect().right ?? innerWidth) + 1);

test('web mode: every screen fits 1280x800 and 800x600 without page errors', async ({ page }) => {
  const root = await mkdtemp(join(tmpdir(), 'gan-studio-e2e-screens-'));
  const projectDir = join(root, 'projects', 'screens');
  // A measured conditional run (600 images: the measures need 400) made with the command line, so the screens have everything to show.
  cli('train', '--project', projectDir, '--builtin', 'shapes', '--size', '16', '--count', '600', '--preset', 'cgan', '--epochs', '2', '--batch-size', '32', '--param', 'hiddenUnits=[32,64]', '--keep-every', '0');
  // The best checkpoint is made an earlier one than the latest, so "the best" and "the latest" differ on screen.
  const bestFile = join(projectDir, 'runs', 'run-001', 'checkpoints', 'step-00000018', 'checkpoint.json');
  const best = JSON.parse(await readFile(bestFile, 'utf8'));
  await writeFile(bestFile, JSON.stringify({ ...best, quality: { ...best.quality, frechetDistance: 1 } }));
  const server = await startStudioServer(root);
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('try-builtin')).toBeVisible();
    await checkScreenSizes(page, 'screens-welcome');

    await page.getByTestId('open-project-path').fill(projectDir);
    await page.getByTestId('open-project-submit').click();
    await expect(page.getByTestId('project-name')).toHaveText('screens');
    await expect(page.getByTestId('project-path')).toHaveText(projectDir);

    await expect(page.getByTestId('dataset-thumbnails')).toBeVisible();
    await checkScreenSizes(page, 'screens-dataset');

    await page.getByTestId('nav-model').click();
    await expect(page.getByTestId('layer-diagram')).toBeVisible();
    await checkScreenSizes(page, 'screens-model');

    await page.getByTestId('nav-train').click();
    await expect(page.getByTestId('start-training')).toBeVisible();
    await checkScreenSizes(page, 'screens-train');

    // The Train screen while a run trains, and once it is done: the numbers agree, no time is left.
    await page.getByTestId('option-epochs').fill('3');
    await page.getByTestId('option-preview-seconds').fill('0.3');
    await page.getByTestId('start-training').click();
    await expect(page.getByTestId('training-status')).toHaveText('Training', { timeout: 90_000 });
    await expect(page.getByTestId('sample-grid')).toBeVisible({ timeout: 60_000 });
    await checkScreenSizes(page, 'screens-train-running');
    await expect(page.getByTestId('training-status')).toHaveText('Finished', { timeout: 120_000 });
    await expect(page.getByTestId('training-progress')).toContainText('epoch 3 of 3');
    await expect(page.getByTestId('training-progress')).not.toContainText('left');
    await expect(page.getByTestId('checkpoint-list').locator('li').last()).toContainText('epoch 3');
    await checkScreenSizes(page, 'screens-train-finished');
    await page.getByTestId('sample-grid-open').click();
    await expect(page.getByTestId('sample-grid-zoom')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('sample-grid-zoom')).toBeHidden();

    await page.getByTestId('nav-runs').click();
    await expect(page.getByTestId('checkpoint-samples')).toBeVisible();
    await expect.poll(async () => Number(await page.getByTestId('run-quality-chart-frechet').getAttribute('data-references'))).toBe(1);
    await checkScreenSizes(page, 'screens-runs', async ({ width }) => {
      expect(await insideMain(page, 'best-checkpoint'), 'the best checkpoint is on screen').toBe(true);
      expect(await insideMain(page, 'checkpoint-measures'), 'the measures table is on screen').toBe(true);
      const grid = await page.getByTestId('checkpoint-samples').boundingBox();
      expect(grid!.width, 'the sample grid is big enough to see').toBeGreaterThanOrEqual(width >= 1280 ? 320 : 240);
    });

    // Click to zoom: the grid opens as large as the window allows, and Esc closes it.
    const small = (await page.getByTestId('checkpoint-samples').boundingBox())!.width;
    await page.getByTestId('checkpoint-samples-open').click();
    const zoom = page.getByTestId('checkpoint-samples-zoom');
    await expect(zoom).toBeVisible();
    expect((await zoom.locator('canvas').boundingBox())!.width).toBeGreaterThan(small * 1.2);
    await checkScreenSizes(page, 'screens-runs-zoomed');
    await page.keyboard.press('Escape');
    await expect(zoom).toBeHidden();

    await page.getByTestId('nav-export').click();
    await expect(page.getByTestId('export-checkpoint')).toBeVisible();
    // Export starts from the run's best checkpoint, not its latest.
    await page.getByTestId('export-run').selectOption('run-001');
    await expect(page.getByTestId('export-checkpoint').locator('option:checked')).toContainText('step 18');
    await expect(page.getByTestId('export-checkpoint').locator('option:checked')).toContainText('★ best');
    await checkScreenSizes(page, 'screens-export');
    // The Model screen described the presets on the pure-JS backend: no "install our node backend" banner from it.
    expect(server.output()).not.toContain('install our node backend');
  } finally {
    await page.close();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});
