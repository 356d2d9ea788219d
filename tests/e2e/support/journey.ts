import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { screenshotsDir } from './paths.js';

export interface JourneyOptions {
  /** How a path reaches the window: typed (web mode) or through a native dialog (desktop). */
  givePath(page: Page, testid: string, path: string): Promise<void>;
  projectDir: string;
  imageFolder: string;
  images: number;
  corruptFile: string;
  /** Prefix of the screenshot files, e.g. "web" or "electron". */
  label: string;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: true });
}

/** A fingerprint of the pixels on a canvas, to tell whether the picture changed. */
export const canvasPixels = (page: Page, testid: string): Promise<string> =>
  page.getByTestId(testid).evaluate((canvas) => (canvas as HTMLCanvasElement).toDataURL());

export const currentStep = async (page: Page): Promise<number> => {
  const label = (await page.getByTestId('training-progress').textContent()) ?? '';
  return Number(/step ([\d,]+)/.exec(label)?.[1].replace(/,/g, '') ?? -1);
};

/**
 * The whole studio journey of issue 3, the same in web mode and in the desktop app: create a
 * project, import a folder (with a corrupt file), pick a preset and its parameters, train and
 * watch the charts and samples move, pause and resume, see a checkpoint, stop, look at the run,
 * sample a checkpoint again, and export the generator.
 */
export async function studioJourney(page: Page, options: JourneyOptions): Promise<void> {
  const { label } = options;
  await expect(page.getByTestId('try-builtin')).toBeVisible();
  await screenshot(page, `${label}-1-welcome`);

  // A project in a new folder.
  await options.givePath(page, 'new-project', options.projectDir);
  await expect(page.getByTestId('project-name')).toHaveText('journey project');

  // Import: counts, classes, thumbnails, and the corrupt file listed with its reason.
  await page.getByTestId('import-size').selectOption('16');
  await options.givePath(page, 'import', options.imageFolder);
  await expect(page.getByTestId('dataset-count')).toHaveText(String(options.images));
  await expect(page.getByTestId('skipped-list')).toContainText(options.corruptFile);
  await expect(page.getByTestId('transparency-note')).toContainText('1 image had transparent parts, laid on white');
  await expect(page.getByTestId('dataset-thumbnails')).toBeVisible();
  await expect(page.getByTestId('dataset-summary')).toContainText('discs');
  await screenshot(page, `${label}-2-dataset`);

  // Model: a small vanilla GAN; a bad value is refused inline, a good one is saved.
  await page.getByTestId('nav-model').click();
  await page.getByTestId('preset-mlp').click();
  await expect(page.getByTestId('preset-mlp')).toHaveAttribute('aria-pressed', 'true');
  const batch = page.locator('input[name=batchSize]');
  await batch.fill('0');
  await expect(page.getByTestId('param-error-batchSize')).toContainText('>=1');
  await batch.fill('16');
  await expect(page.getByTestId('param-error-batchSize')).toHaveCount(0);
  await page.locator('input[name=hiddenUnits]').fill('32, 64');
  await expect(page.getByTestId('params-saved')).toBeVisible();
  await expect(page.getByTestId('layer-diagram')).toContainText('16 × 16 × 3');
  await expect(page.getByTestId('layer-diagram')).toContainText('Dense');
  await screenshot(page, `${label}-3-model`);

  // Train: quick previews and a checkpoint every 25 steps, so everything shows within seconds.
  await page.getByTestId('nav-train').click();
  await page.getByTestId('option-epochs').fill('500');
  await page.getByTestId('option-checkpoint-every').fill('25');
  await page.getByTestId('option-preview-seconds').fill('0.3');
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('training-status')).toHaveText('Training', { timeout: 90_000 });
  await expect(page.getByTestId('backend')).toContainText('CPU');

  // The charts gain points and the samples change as the generator learns.
  await expect.poll(async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points')), { timeout: 90_000 }).toBeGreaterThan(5);
  await expect(page.getByTestId('sample-grid')).toBeVisible({ timeout: 60_000 });
  const firstSamples = await canvasPixels(page, 'sample-grid');
  await expect.poll(() => canvasPixels(page, 'sample-grid'), { timeout: 60_000 }).not.toBe(firstSamples);
  const points = Number(await page.getByTestId('d-chart').getAttribute('data-points'));
  await expect.poll(async () => Number(await page.getByTestId('d-chart').getAttribute('data-points'))).toBeGreaterThan(points);
  await screenshot(page, `${label}-4-train`);

  // A checkpoint beyond the step-0 one appears.
  await expect(page.getByTestId('checkpoint-list')).toContainText('step 25', { timeout: 90_000 });

  // Pause says so at once (the step in progress ends first), then holds the step; resume moves it on.
  await page.getByTestId('pause-training').click();
  await expect(page.getByTestId('training-status')).toHaveText(/^(Pausing…|Paused)$/, { timeout: 1000 });
  await expect(page.getByTestId('training-status')).toHaveText('Paused');
  await expect(page.getByTestId('training-progress')).not.toContainText('left');
  const pausedAt = await currentStep(page);
  await page.waitForTimeout(1500);
  expect(await currentStep(page)).toBe(pausedAt);
  await page.getByTestId('pause-training').click();
  await expect(page.getByTestId('training-status')).toHaveText('Training');
  await expect.poll(() => currentStep(page), { timeout: 30_000 }).toBeGreaterThan(pausedAt);

  // Stop keeps a checkpoint; the progress says where it stopped, in the checkpoint's own epoch, and no time left.
  await page.getByTestId('stop-training').click();
  await expect(page.getByTestId('training-status')).toHaveText('Finished', { timeout: 60_000 });
  await expect(page.getByTestId('training-message')).toContainText('checkpoint');
  await expect(page.getByTestId('training-progress')).not.toContainText('left');
  const progress = (await page.getByTestId('training-progress').textContent()) ?? '';
  const lastCheckpoint = (await page.getByTestId('checkpoint-list').locator('li').last().textContent()) ?? '';
  expect(/step ([\d,]+)/.exec(lastCheckpoint)?.[1], 'the last checkpoint is at the step shown').toBe(/step ([\d,]+)/.exec(progress)?.[1]);
  expect(/epoch ([\d.]+)/.exec(lastCheckpoint)?.[1], 'and names the same epoch').toBe(/epoch ([\d.]+)/.exec(progress)?.[1]);
  await screenshot(page, `${label}-4b-stopped`);

  // Runs: the run, its checkpoints, its saved samples and fresh ones.
  await page.getByTestId('nav-runs').click();
  await expect(page.getByTestId('runs-table')).toContainText('run-001');
  // Retention keeps step 0, every 5th interval and the latest: step 25 may have been pruned by now.
  await expect(page.getByTestId('checkpoint-timeline')).toContainText('step 0');
  await expect.poll(() => page.getByTestId('checkpoint-timeline').locator('li').count()).toBeGreaterThan(1);
  await expect(page.getByTestId('checkpoint-samples')).toBeVisible();
  const saved = await canvasPixels(page, 'checkpoint-samples');
  await page.getByTestId('sample-checkpoint').click();
  await expect.poll(() => canvasPixels(page, 'checkpoint-samples'), { timeout: 60_000 }).not.toBe(saved);
  await screenshot(page, `${label}-5-runs`);

  // Resume the run from its last checkpoint: the Train screen shows it at once, then it carries on with its earlier metrics on the chart.
  await page.getByTestId('resume-from-checkpoint').click();
  await expect(page.getByTestId('nav-train')).toHaveAttribute('aria-current', 'page', { timeout: 1000 });
  await expect(page.getByTestId('training-status')).toHaveText(/^(Starting…|Training)$/, { timeout: 1000 });
  await expect(page.getByTestId('training-status')).toHaveText('Training', { timeout: 90_000 });
  await expect(page.getByTestId('resumed-from')).toContainText('resumed from step-');
  await expect.poll(async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(points);
  await page.getByTestId('stop-training').click();
  await expect(page.getByTestId('training-status')).toHaveText('Finished', { timeout: 60_000 });

  // Export: the images format draws 64 unless told otherwise, and the field says so; its sheet is shown after.
  await page.getByTestId('nav-export').click();
  await page.getByTestId('export-format-images').check();
  await expect(page.getByTestId('export-count')).toHaveValue('64');
  await page.getByTestId('export-format-gif').check();
  await expect(page.getByTestId('export-count')).toHaveValue('8');
  await page.getByTestId('export-format-images').check();
  await page.getByTestId('export-count').fill('12');
  await page.getByTestId('export-default').click();
  await expect(page.getByTestId('export-result')).toContainText('12', { timeout: 120_000 });
  await expect(page.getByTestId('export-preview')).toBeVisible();
  await expect.poll(() => page.getByTestId('export-preview').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);

  // Export the generator as a TF.js model into the project.
  await page.getByTestId('export-format-tfjs').check();
  await page.getByTestId('export-default').click();
  await expect(page.getByTestId('export-result')).toContainText('model.json', { timeout: 120_000 });
  await screenshot(page, `${label}-6-export`);
  const exportsDir = join(options.projectDir, 'exports');
  const folder = (await readdir(exportsDir)).find((name) => name.endsWith('-tfjs'));
  expect(folder, `an export folder in ${exportsDir}`).toBeTruthy();
  expect(existsSync(join(exportsDir, folder!, 'model.json'))).toBe(true);
  expect(existsSync(join(exportsDir, folder!, 'metadata.json'))).toBe(true);
}
