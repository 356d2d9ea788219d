import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { buildImageFolder } from './support/imageFolder.js';
import { studioJourney } from './support/journey.js';
import { repoRoot } from './support/paths.js';

/** The test's environment with a fresh profile, and without ELECTRON_RUN_AS_NODE (which would start Electron as plain Node). */
function freshEnv(root: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
  return { ...env, XDG_CONFIG_HOME: join(root, 'config'), HOME: root };
}

/**
 * The Electron binary is downloaded by electron's install step, which needs the internet; where
 * it is missing this suite is skipped with that reason (and the web suite covers the journey).
 */
function electronBinary(): { path: string } | { missing: string } {
  const dir = join(repoRoot, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) {
    return { missing: 'no Electron binary is installed (node_modules/electron/path.txt is absent: its download needs the internet; run `npx install-electron` where there is a connection)' };
  }
  const path = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(path) ? { path } : { missing: `the Electron binary ${path} is missing` };
}

const binary = electronBinary();
// Said out loud, not only recorded as a skip annotation, so a run's log shows why this suite did nothing.
if ('missing' in binary) console.log(`Electron suite not run: ${binary.missing}.`);

test.describe('desktop app', () => {
  test.skip('missing' in binary, 'missing' in binary ? `Electron suite not run: ${binary.missing}.` : '');

  let root: string;
  let app: ElectronApplication;

  test.beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'gan-studio-electron-'));
    app = await electron.launch({
      executablePath: (binary as { path: string }).path,
      args: [repoRoot, '--no-sandbox'],
      cwd: repoRoot,
      // A fresh profile: settings, recent projects and window size start empty.
      env: freshEnv(root),
    });
  });

  test.afterEach(async () => {
    await app?.close();
    await rm(root, { recursive: true, force: true });
  });

  /** Native dialogs cannot be clicked by a test: the next one answers with `path`, as if the user had chosen it. */
  async function answerNextDialog(path: string): Promise<void> {
    await app.evaluate(({ dialog }, chosen) => {
      dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [chosen] })) as typeof dialog.showOpenDialog;
      dialog.showSaveDialog = (async () => ({ canceled: false, filePath: chosen })) as typeof dialog.showSaveDialog;
    }, path);
  }

  async function choosePath(page: Page, testid: string, path: string): Promise<void> {
    await answerNextDialog(path);
    await page.getByTestId(`${testid}-choose`).click();
  }

  test('the window is isolated: no Node, only the studio API', async () => {
    const page = await app.firstWindow();
    await expect(page.getByTestId('try-builtin')).toBeVisible({ timeout: 60_000 });
    const exposed = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      studio: Object.keys((window as unknown as { studio: object }).studio).sort(),
    }));
    expect(exposed.require).toBe('undefined');
    expect(exposed.process).toBe('undefined');
    expect(exposed.studio).toContain('startTraining');
    expect(exposed.studio).toContain('onTrainingEvent');
    expect(exposed.studio).not.toContain('send');
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      // getLastWebPreferences is an Electron method its typings leave out.
      const contents = BrowserWindow.getAllWindows()[0].webContents as unknown as { getLastWebPreferences(): Electron.WebPreferences | null };
      const web = contents.getLastWebPreferences();
      return { contextIsolation: web?.contextIsolation, sandbox: web?.sandbox, nodeIntegration: web?.nodeIntegration };
    });
    expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    // A path the user never chose is refused, even when the page asks for it directly.
    const refused = await page.evaluate(() => (window as unknown as { studio: { openProject(r: { path: string }): Promise<{ ok: boolean }> } }).studio.openProject({ path: '/etc' }));
    expect(refused.ok).toBe(false);
  });

  test('the whole journey in the desktop app, against the real engine', async () => {
    const page = await app.firstWindow();
    const { folder, images, corrupt } = await buildImageFolder(root);
    await studioJourney(page, {
      givePath: choosePath,
      projectDir: join(root, 'journey project'),
      imageFolder: folder,
      images,
      corruptFile: corrupt,
      label: 'electron',
    });
  });
});
