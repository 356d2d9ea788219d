import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/pageGuard.js';
import { canvasPixels } from './support/journey.js';
import { repoRoot, screenshotsDir } from './support/paths.js';
import { horizontalOverflow, windowSizes } from './support/screens.js';
import { startStudioServer } from './support/studioServer.js';

const cli = (...args: string[]) => {
  const result = spawnSync(process.execPath, ['dist/main/cli.js', ...args], { cwd: repoRoot, encoding: 'utf8' });
  expect(result.status, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
};

/** The explorer at both window sizes: nothing overflows sideways, and a screenshot of it goes to explorer-<view>-<width>x<height>.png. */
async function look(page: Page, view: string): Promise<void> {
  await mkdir(screenshotsDir, { recursive: true });
  for (const size of windowSizes) {
    await page.setViewportSize(size);
    await expect.poll(() => horizontalOverflow(page)).toEqual([]);
    await page.getByTestId('latent-explorer').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(screenshotsDir, `explorer-${view}-${size.width}x${size.height}.png`) });
  }
  await page.setViewportSize(windowSizes[0]);
}

/**
 * Issue 12's latent explorer on the Runs screen, in web mode, on a conditional generator imported
 * from ONNX (so imported runs are explored like trained ones): picks, the walk from A to B, the
 * direction sliders, the same noise across classes and a class morph, and the nearest real images.
 */
test('web mode: the latent explorer walks, moves along directions, morphs classes and finds nearest real images', async ({ page }) => {
  const root = await mkdtemp(join(tmpdir(), 'gan-studio-e2e-explorer-'));
  const projectDir = join(root, 'projects', 'explorer shapes');
  const exported = join(root, 'exported onnx');
  // 420 images: enough for the feature network behind "nearest by features".
  cli('import', '--builtin', 'shapes', '--project', projectDir, '--size', '16', '--count', '420');
  cli('train', '--project', projectDir, '--preset', 'cgan', '--max-steps', '60', '--param', 'batchSize=16', '--param', 'hiddenUnits=[32,64]', '--no-quality', '--backend', 'wasm');
  cli('export', '--project', projectDir, '--format', 'onnx', '--out', exported);
  cli('import-generator', join(exported, 'generator.onnx'), '--project', projectDir, '--backend', 'wasm');

  const server = await startStudioServer(root);
  try {
    await page.setViewportSize(windowSizes[0]);
    await page.goto(server.url);
    await page.getByTestId('open-project-path').fill(projectDir);
    await page.getByTestId('open-project-submit').click();
    await expect(page.getByTestId('project-name')).toHaveText('explorer shapes');
    await page.getByTestId('nav-runs').click();
    await expect(page.getByTestId('run-imported')).toBeVisible();

    // Picks, then A and B chosen by clicking: the walk's ends follow.
    const explorer = page.getByTestId('latent-explorer');
    await explorer.scrollIntoViewIfNeeded();
    const picks = page.getByTestId('explorer-picks').locator('canvas');
    await expect(picks).toBeVisible({ timeout: 60_000 });
    const box = (await picks.boundingBox())!;
    // 16 picks in 2 rows of 8: the third of the first row.
    await picks.click({ position: { x: (box.width * 2.5) / 8, y: box.height * 0.25 } });
    await expect(explorer).toContainText('B sample 2');
    await expect(page.getByTestId('walk-strip')).toBeVisible();
    const start = await canvasPixels(page, 'walk-strip');
    await page.getByTestId('walk-slider').fill('4');
    await expect(page.getByTestId('explorer-large')).toContainText('Frame 5 of 9');
    await page.getByTestId('explorer-large-zoom').fill('2');
    await expect.poll(() => canvasPixels(page, 'walk-strip')).toBe(start);
    await look(page, 'walk');

    // Truncation ψ = 0 redraws the walk (every frame is then the mean-noise image; the unit tests check the pixels).
    await page.getByTestId('explorer-psi').fill('0');
    await expect.poll(() => canvasPixels(page, 'walk-strip')).not.toBe(start);
    await page.getByTestId('explorer-psi').fill('1');

    await page.getByTestId('explorer-tab-directions').click();
    await expect(page.getByTestId('directions-strips')).toBeVisible({ timeout: 30_000 });
    const still = await page.getByTestId('explorer-large').locator('canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    await page.getByTestId('direction-slider-0').fill('2.5');
    await expect.poll(() => page.getByTestId('explorer-large').locator('canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL())).not.toBe(still);
    await page.getByTestId('directions-kind').selectOption('random');
    await look(page, 'directions');

    await page.getByTestId('explorer-tab-classes').click();
    await expect(page.getByTestId('classes-grid')).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('morph-to').selectOption({ index: 2 });
    await page.getByTestId('morph-slider').fill('8');
    await expect(page.getByTestId('morph-large')).toContainText('100% of the way');
    await look(page, 'classes');

    await page.getByTestId('explorer-tab-nearest').click();
    await expect(page.getByTestId('nearest-pixels')).toBeVisible({ timeout: 60_000 });
    // The large view is pick A itself (the top-left cell of the picks, at ψ = 1), pixel for pixel.
    const sameAsPick = await page.evaluate(() => {
      const pixels = (testid: string) => {
        const canvas = document.querySelector(`[data-testid=${testid}] canvas`) as HTMLCanvasElement;
        return Array.from(canvas.getContext('2d')!.getImageData(0, 0, 16, 16).data).join();
      };
      return pixels('nearest-sample') === pixels('explorer-picks');
    });
    expect(sameAsPick).toBe(true);
    await expect(page.getByTestId('nearest-features')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('explorer-nearest')).toContainText('#');
    await look(page, 'nearest');
  } finally {
    await page.close();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});
