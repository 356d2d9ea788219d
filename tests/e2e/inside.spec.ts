import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support/pageGuard.js';
import { repoRoot } from './support/paths.js';
import { checkScreenSizes } from './support/screens.js';
import { startStudioServer } from './support/studioServer.js';

/**
 * See inside the game, in web mode: D's advice beside the samples and beside real images, and
 * steps by hand while paused — Step D changes D and leaves G, Step G the other way round.
 */
test('web mode: the advice view and Step D / Step G / Step both', async ({ page }) => {
  const root = await mkdtemp(join(tmpdir(), 'gan-studio-e2e-inside-'));
  const projectDir = join(root, 'projects', 'inside');
  const cli = spawnSync(process.execPath, ['dist/main/cli.js', 'import', '--project', projectDir, '--builtin', 'shapes', '--size', '32', '--count', '256'], { cwd: repoRoot, encoding: 'utf8' });
  expect(cli.status, cli.stderr).toBe(0);
  const server = await startStudioServer(root);
  try {
    await page.goto(server.url);
    await page.getByTestId('open-project-path').fill(projectDir);
    await page.getByTestId('open-project-submit').click();
    await page.getByTestId('nav-model').click();
    await page.getByTestId('preset-cdcgan').click();
    await page.locator('input[name=baseFilters]').fill('8');
    await page.locator('input[name=batchSize]').fill('16');
    await expect(page.getByTestId('params-saved')).toBeVisible();

    await page.getByTestId('nav-train').click();
    await page.getByTestId('option-epochs').fill('500');
    await page.getByTestId('option-preview-seconds').fill('0.3');
    await page.getByTestId('advice-choice').selectOption('samples');
    await page.getByTestId('start-training').click();
    await expect(page.getByTestId('advice-map')).toBeVisible({ timeout: 90_000 });
    await checkScreenSizes(page, 'inside-advice-samples');

    await page.getByTestId('pause-training').click();
    await expect(page.getByTestId('training-status')).toHaveText('Paused', { timeout: 60_000 });
    await expect(page.getByTestId('step-by-hand')).toBeVisible();
    await page.getByTestId('step-d').click();
    await expect(page.getByTestId('step-result')).toHaveText('1 D update: D changed, G unchanged.');
    const step = await page.getByTestId('sample-step').textContent();
    await page.getByTestId('step-g').click();
    await expect(page.getByTestId('step-result')).toHaveText('1 G update: D unchanged, G changed.');
    await expect(page.getByTestId('sample-step')).not.toHaveText(step ?? '');
    await page.getByTestId('step-ratio').fill('2');
    await page.getByTestId('step-both').click();
    await expect(page.getByTestId('step-result')).toHaveText('2 D updates + 1 G update: D changed, G changed.');

    await page.getByTestId('advice-choice').selectOption('real');
    await page.getByTestId('step-g').click();
    await expect(page.getByTestId('advice-view')).toContainText('Real images');
    await checkScreenSizes(page, 'inside-advice-real-paused');

    await page.getByTestId('advice-choice').selectOption('off');
    await expect(page.getByTestId('advice-view')).toBeHidden();
    await page.getByTestId('stop-training').click();
    await expect(page.getByTestId('training-status')).toHaveText('Finished', { timeout: 60_000 });
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});
