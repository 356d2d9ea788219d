import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, test } from './support/pageGuard.js';
import { repoRoot } from './support/paths.js';
import { checkScreenSizes } from './support/screens.js';
import { startStudioServer } from './support/studioServer.js';

/**
 * The training film and the practitioner's charts on the Runs screen (issue 12): a run trained in
 * the window with a short preview interval is replayed with the scrubber and play, and its charts
 * are smoothed, put on a log scale, zoomed and overlaid with an earlier run.
 */
const cli = (...args: string[]) => {
  const run = spawnSync(process.execPath, ['dist/main/cli.js', ...args], { cwd: repoRoot, encoding: 'utf8' });
  expect(run.status, `gan-studio ${args.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(0);
};

const filmPosition = async (page: import('@playwright/test').Page) => {
  const text = (await page.getByTestId('film-position').textContent()) ?? '';
  const [, frame, frames] = /Frame (\d+) of (\d+)/.exec(text) ?? [];
  return { frame: Number(frame), frames: Number(frames) };
};

test('web mode: the training film replays a run, and the run charts smooth, zoom and compare runs', async ({ page }) => {
  const root = await mkdtemp(join(tmpdir(), 'gan-studio-e2e-film-'));
  const projectDir = join(root, 'projects', 'film shapes');
  // An earlier run to compare with, made with the command line (another seed, so its curves differ).
  cli('train', '--project', projectDir, '--builtin', 'shapes', '--size', '16', '--count', '256', '--preset', 'mlp', '--epochs', '2', '--batch-size', '32', '--seed', '7', '--no-quality');
  const projectFile = join(projectDir, 'project.json');
  await writeFile(projectFile, JSON.stringify({ ...JSON.parse(await readFile(projectFile, 'utf8')), preset: 'mlp', params: { batchSize: 32 } }));
  const server = await startStudioServer(root);
  try {
    await page.goto(server.url);
    await page.getByTestId('open-project-path').fill(projectDir);
    await page.getByTestId('open-project-submit').click();
    await expect(page.getByTestId('project-name')).toHaveText('film shapes');

    await page.getByTestId('nav-train').click();
    await page.getByTestId('option-epochs').fill('4');
    await page.getByTestId('option-preview-seconds').fill('0.2');
    await page.getByTestId('start-training').click();
    await expect(page.getByTestId('training-status')).toHaveText('Finished', { timeout: 120_000 });

    await page.getByTestId('nav-runs').click();
    await expect(page.getByTestId('run-charts')).toBeVisible();
    const film = page.getByTestId('film');
    await expect(film.getByTestId('film-scrubber')).toBeVisible();
    // The film opens at its last frame: the end of the run.
    await expect(page.getByTestId('film-position')).toContainText('step 32');
    const { frames } = await filmPosition(page);
    expect(frames, 'step 0, the end and the previews between').toBeGreaterThanOrEqual(3);

    // Scrub to the start: the untrained generator's grid.
    await page.getByTestId('film-scrubber').fill('0');
    await expect(page.getByTestId('film-frame')).toHaveAttribute('data-step', '0');
    await expect(page.getByTestId('film-position')).toContainText(`Frame 1 of ${frames} · step 0`);
    const first = await page.getByTestId('film-frame').getAttribute('src');

    // Play at the fastest speed: the frames advance to the end and playing stops there.
    await page.getByTestId('film-speed').selectOption('20');
    await page.getByTestId('film-play').click();
    await expect(page.getByTestId('film-frame')).not.toHaveAttribute('src', first!);
    await expect.poll(async () => (await filmPosition(page)).frame, { timeout: 20_000 }).toBe(frames);
    await expect(page.getByTestId('film-play')).toHaveText(/Play/);
    await page.getByTestId('film-scrubber').fill(String(Math.floor(frames / 2)));
    await expect(page.getByTestId('film-position')).toContainText(`Frame ${Math.floor(frames / 2) + 1} of ${frames}`);
    await page.getByTestId('film').scrollIntoViewIfNeeded();
    await checkScreenSizes(page, 'runs-film');

    // Save as GIF: one frame per preview, into the project's exports folder.
    await page.getByTestId('film-save-gif').click();
    await expect(page.getByTestId('film-saved')).toContainText(`run-002-film.gif: ${frames} frames (steps 0 to 32) at 20 frames/s`);
    const gif = await sharp(join(projectDir, 'exports', 'run-002-film.gif'), { animated: true }).metadata();
    expect(gif.pages).toBe(frames);

    // The charts: smoothing, log scale, another run overlaid, drag to zoom and reset.
    const losses = page.getByTestId('run-chart');
    await page.getByTestId('chart-smoothing').fill('0.9');
    await expect(page.getByTestId('chart-smoothing-value')).toHaveText('0.90');
    await page.getByTestId('chart-log').check();
    await expect(losses).toHaveAttribute('data-scale', 'log');
    await expect(page.getByTestId('run-d-chart')).toHaveAttribute('data-scale', 'log');
    await page.getByTestId('compare-run-001').check();
    // D and G of run-001 over run-002's.
    await expect(losses).toHaveAttribute('data-overlays', '2');
    await expect(page.getByTestId('run-d-chart')).toHaveAttribute('data-overlays', '2');

    await losses.scrollIntoViewIfNeeded();
    const box = (await losses.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 5 });
    await page.mouse.up();
    await expect(losses).toHaveAttribute('data-zoomed', 'true');
    await page.getByTestId('run-chart-reset-zoom').click();
    await expect(losses).toHaveAttribute('data-zoomed', 'false');

    // Gradient norms and learning rates: drawn where the run's log records them, said to be missing where not.
    const log = await readFile(join(projectDir, 'runs', 'run-002', 'metrics.jsonl'), 'utf8');
    for (const [key, chart] of [
      ['gradNormD', 'run-grad-chart'],
      ['learningRateD', 'run-lr-chart'],
    ] as const) {
      if (log.includes(`"${key}"`)) await expect(page.getByTestId(chart)).toBeVisible();
      else await expect(page.getByTestId(`${chart}-missing`)).toContainText('not recorded for this run');
    }
    await page.getByTestId('chart-controls').scrollIntoViewIfNeeded();
    await checkScreenSizes(page, 'runs-charts');
  } finally {
    await page.close();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});
