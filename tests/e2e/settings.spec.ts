import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support/pageGuard.js';
import { repoRoot } from './support/paths.js';
import { checkScreenSizes } from './support/screens.js';
import { startStudioServer } from './support/studioServer.js';

/**
 * Settings that used to vanish (issue 15): each preset keeps its own edits across a switch and
 * back (in project.json too); an invalid value stays in its field when the user leaves the
 * screen, the layer view says why it shows nothing, and the Train screen blocks Start with the
 * reason. Also: an error shown with a project open is gone once the project is closed.
 */
test('web mode: preset edits survive switching, invalid values are kept and block Start', async ({ page }) => {
  const root = await mkdtemp(join(tmpdir(), 'gan-studio-e2e-settings-'));
  const projectDir = join(root, 'projects', 'settings');
  const imported = spawnSync(process.execPath, ['dist/main/cli.js', 'import', '--builtin', 'shapes', '--project', projectDir, '--size', '16', '--count', '64'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  expect(imported.status, imported.stderr).toBe(0);
  const server = await startStudioServer(root);
  try {
    await page.goto(server.url);
    await page.getByTestId('open-project-path').fill(projectDir);
    await page.getByTestId('open-project-submit').click();
    await expect(page.getByTestId('project-name')).toHaveText('settings');

    // cgan with its own batch size and widths.
    await page.getByTestId('nav-model').click();
    await page.getByTestId('preset-cgan').click();
    await expect(page.getByTestId('preset-cgan')).toHaveAttribute('aria-pressed', 'true');
    await page.locator('input[name=batchSize]').fill('32');
    await page.locator('input[name=hiddenUnits]').fill('32, 64');
    await expect(page.getByTestId('params-saved')).toBeVisible();
    // The training recipe: menus, a switch and ticks, each with its reason on screen.
    await page.locator('select[name=loss]').selectOption('hinge');
    await page.locator('select[name=spectralNorm]').selectOption('true');
    await page.getByTestId('param-augmentPolicy').getByLabel('cutout').uncheck();
    await expect(page.getByTestId('param-spectralNorm')).toContainText('Why:');
    await expect
      .poll(async () => JSON.parse(await readFile(join(projectDir, 'project.json'), 'utf8')).presetParams?.cgan)
      .toMatchObject({ loss: 'hinge', spectralNorm: true, augmentPolicy: ['color', 'translation'] });
    await checkScreenSizes(page, 'settings-model-recipe');

    // To dcgan and back: the cgan fields come back as they were, and project.json keeps both.
    await page.getByTestId('preset-dcgan').click();
    await expect(page.getByTestId('preset-dcgan')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('input[name=baseFilters]')).toBeVisible();
    await expect(page.locator('input[name=batchSize]')).toHaveValue('');
    await page.getByTestId('preset-cgan').click();
    await expect(page.locator('input[name=batchSize]')).toHaveValue('32');
    await expect(page.locator('input[name=hiddenUnits]')).toHaveValue('32, 64');
    await expect(page.locator('select[name=loss]')).toHaveValue('hinge');
    await expect(page.getByTestId('param-augmentPolicy').getByLabel('cutout')).not.toBeChecked();
    await expect
      .poll(async () => JSON.parse(await readFile(join(projectDir, 'project.json'), 'utf8')))
      .toMatchObject({ preset: 'cgan', params: { batchSize: 32, hiddenUnits: [32, 64], loss: 'hinge' }, presetParams: { cgan: { batchSize: 32, hiddenUnits: [32, 64], spectralNorm: true } } });

    // An invalid value: said under the field, in place of the layers, and it stays when leaving the screen.
    await page.locator('input[name=batchSize]').fill('0');
    await expect(page.getByTestId('param-error-batchSize')).toBeVisible();
    await expect(page.getByTestId('params-invalid')).toBeVisible();
    await expect(page.getByTestId('layers-blocked')).toContainText('Batch size');
    await expect(page.getByTestId('layer-diagram')).toHaveCount(0);
    await checkScreenSizes(page, 'settings-model-invalid');

    await page.getByTestId('nav-train').click();
    await expect(page.getByTestId('training-status')).toHaveText('Not ready');
    await expect(page.getByTestId('start-blocked')).toContainText('Batch size');
    await expect(page.getByTestId('start-training')).toBeDisabled();
    await checkScreenSizes(page, 'settings-train-blocked');

    await page.getByTestId('nav-model').click();
    await expect(page.locator('input[name=batchSize]')).toHaveValue('0');
    await page.locator('input[name=batchSize]').fill('16');
    await expect(page.getByTestId('params-saved')).toBeVisible();
    await expect(page.getByTestId('layer-diagram')).toBeVisible();
    await page.getByTestId('nav-train').click();
    await expect(page.getByTestId('training-status')).toHaveText('Ready');
    await expect(page.getByTestId('start-training')).toBeEnabled();

    // A refusal while the project is open does not follow the user to the welcome screen.
    await page.getByTestId('nav-dataset').click();
    await page.getByTestId('import-path').fill('~/no such folder here');
    await page.getByTestId('import-submit').click();
    await expect(page.getByTestId('notice')).toBeVisible();
    await expect(page.getByTestId('notice')).not.toContainText('~/');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(page.getByTestId('try-builtin')).toBeVisible();
    await expect(page.getByTestId('notice')).toHaveCount(0);
  } finally {
    await page.close();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});
