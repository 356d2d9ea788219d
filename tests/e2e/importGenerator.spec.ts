import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { screenshot } from './support/journey.js';
import { repoRoot } from './support/paths.js';
import { startStudioServer } from './support/studioServer.js';

const cli = (...args: string[]) => {
  const result = spawnSync(process.execPath, ['dist/main/cli.js', ...args], { cwd: repoRoot, encoding: 'utf8' });
  expect(result.status, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
};

/**
 * Issue 13: the Runs screen brings a generator .onnx back as a run of its own. The file here is a
 * studio ONNX export (the PyTorch job writes the same contract; tests/unit/handoff/pytorchJob
 * covers that file where PyTorch is installed): imported, it is listed, says where it came from,
 * shows its samples and offers no resume.
 */
test('web mode: the Runs screen imports a generator.onnx as a run', async ({ page }) => {
  const root = await mkdtemp(join(tmpdir(), 'gan-studio-e2e-import-'));
  const projectDir = join(root, 'projects', 'import shapes');
  const exported = join(root, 'exported onnx');
  cli('import', '--builtin', 'shapes', '--project', projectDir, '--size', '16', '--count', '64');
  cli('train', '--project', projectDir, '--preset', 'cgan', '--max-steps', '2', '--param', 'batchSize=16', '--param', 'hiddenUnits=[16]', '--no-quality', '--backend', 'wasm');
  cli('export', '--project', projectDir, '--format', 'onnx', '--out', exported);

  const server = await startStudioServer(root);
  try {
    await page.goto(server.url);
    await page.getByTestId('open-project-path').fill(projectDir);
    await page.getByTestId('open-project-submit').click();
    await expect(page.getByTestId('project-name')).toHaveText('import shapes');
    await page.getByTestId('nav-runs').click();

    await page.getByTestId('import-generator-path').fill(join(exported, 'generator.onnx'));
    await page.getByTestId('import-generator-submit').click();
    await expect(page.getByTestId('import-generator-done')).toContainText('as run-002', { timeout: 60_000 });
    await expect(page.getByTestId('runs-table')).toContainText('run-002');
    await expect(page.getByTestId('run-imported')).toContainText('generator.onnx');
    await expect(page.getByTestId('checkpoint-samples')).toBeVisible();
    await expect(page.getByTestId('resume-from-checkpoint')).toHaveCount(0);
    await page.getByTestId('sample-checkpoint').click();
    await screenshot(page, 'web-9-import-generator');
    await page.setViewportSize({ width: 800, height: 600 });
    await screenshot(page, 'web-9-import-generator-800');

    // A file that is no generator is refused with a message, and nothing is added.
    await page.getByTestId('import-generator-path').fill(join(projectDir, 'project.json'));
    await page.getByTestId('import-generator-submit').click();
    await expect(page.getByTestId('notice')).toContainText('not an ONNX model');
    await expect(page.getByTestId('runs-table').locator('tbody tr')).toHaveCount(2);
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});
