import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support/pageGuard.js';
import { screenshot } from './support/journey.js';
import { repoRoot } from './support/paths.js';
import { startStudioServer } from './support/studioServer.js';

/**
 * Quality measures in the studio (issue 5): a short run on 600 built-in shapes (the measures need
 * at least 400 images) shows the feature network, the measures per checkpoint and the best
 * checkpoint so far on the Train screen, and marks the best checkpoint on the Runs timeline.
 */
test('web mode: a run shows its quality measures and its best checkpoint', async ({ page }) => {
  const root = await mkdtemp(join(tmpdir(), 'gan-studio-e2e-quality-'));
  const projectDir = join(root, 'projects', 'quality shapes');
  // The project is prepared with the command line: the Dataset screen imports folders, not a chosen count of built-in images.
  const imported = spawnSync(process.execPath, ['dist/main/cli.js', 'import', '--builtin', 'shapes', '--project', projectDir, '--size', '16', '--count', '600'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  expect(imported.status, imported.stderr).toBe(0);
  const projectFile = join(projectDir, 'project.json');
  await writeFile(projectFile, JSON.stringify({ ...JSON.parse(await readFile(projectFile, 'utf8')), preset: 'mlp', params: { batchSize: 32 } }));

  const server = await startStudioServer(root);
  try {
    await page.goto(server.url);
    await page.getByTestId('open-project-path').fill(projectDir);
    await page.getByTestId('open-project-submit').click();
    await expect(page.getByTestId('project-name')).toHaveText('quality shapes');

    await page.getByTestId('nav-train').click();
    await page.getByTestId('option-epochs').fill('3');
    await page.getByTestId('option-checkpoint-every').fill('0');
    await page.getByTestId('option-preview-seconds').fill('0.5');
    await page.getByTestId('start-training').click();

    // The feature network is trained (or loaded) first, then every checkpoint is measured.
    await expect(page.getByTestId('quality-panel')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('feature-net-ready')).toBeVisible({ timeout: 90_000 });
    await expect(page.getByTestId('training-status')).toHaveText('Finished', { timeout: 90_000 });
    await expect(page.getByTestId('measure-table')).toContainText('Fréchet distance (studio features)');
    await expect(page.getByTestId('measure-table')).toContainText('Recall (variety)');
    await expect(page.getByTestId('best-so-far')).toContainText('Best so far');
    await expect.poll(async () => Number(await page.getByTestId('quality-chart-frechet').getAttribute('data-points'))).toBeGreaterThanOrEqual(3);
    await page.getByTestId('quality-panel').scrollIntoViewIfNeeded();
    await screenshot(page, 'web-7-quality');

    // Runs: the best checkpoint is marked on the timeline, and each measured checkpoint shows its measures.
    await page.getByTestId('nav-runs').click();
    await expect(page.getByTestId('best-checkpoint')).toBeVisible();
    await page.getByTestId('best-checkpoint').click();
    await expect(page.getByTestId('checkpoint-measures')).toContainText('Precision (fidelity)');
    await expect(page.getByTestId('run-quality-chart-frechet')).toBeVisible();
    await screenshot(page, 'web-8-runs-quality');
  } finally {
    await page.close();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});
