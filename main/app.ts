/**
 * Electron entry: one studio window over the same services web mode uses. Each concern lives in
 * main/app/ (window, security, menu, dialogs, IPC binding, window size); this file wires them.
 */
import { app, dialog, session, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerAppScheme, serveRenderer } from './app/appProtocol.js';
import { bindIpc } from './app/bindIpc.js';
import { chooseFolder } from './app/dialogs.js';
import { createMainWindow } from './app/mainWindow.js';
import { installMenu } from './app/menu.js';
import { PAGE_URL } from './app/rendererFiles.js';
import { hardenSession } from './app/security.js';
import { readWindowState, rememberWindowState } from './app/windowState.js';
import { appVersion } from './appVersion.js';
import { ChosenPaths } from './services/pathAccess.js';
import { createStudio, type Studio } from './services/studio.js';
import { startTraining } from './engine/training/startTraining.js';
import { utilityTraining } from './app/trainingProcess.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererDir = join(here, '..', 'renderer');
const preload = join(here, 'preload.cjs');
const icon = join(here, '..', '..', 'assets', 'icon.png');

app.enableSandbox();
registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

let window: BrowserWindow | null = null;
let studio: Studio | null = null;

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  const projectsDir = join(app.getPath('documents'), 'GAN Studio');
  studio = await createStudio({
    mode: 'desktop',
    version: appVersion(),
    configDir: userData,
    projectsDir,
    access: new ChosenPaths(),
    chooseFolder: (purpose) => chooseFolder(window!, purpose, projectsDir),
    startTraining: (request, onEvent) => startTraining(request, onEvent, process.env, utilityTraining),
  });
  hardenSession(session.defaultSession);
  serveRenderer(rendererDir);
  await studio.project.restoreLast();

  window = createMainWindow({ state: await readWindowState(userData), preload, pageUrl: PAGE_URL, icon });
  rememberWindowState(window, userData);
  const unbind = bindIpc(studio, window, PAGE_URL);
  await installMenu(studio);
  const showTitle = (name: string | null) => window?.setTitle(name ? `${name} — GAN Studio` : 'GAN Studio');
  showTitle((await studio.project.summary().catch(() => null))?.project.name ?? null);
  studio.events.subscribe((event, data) => {
    if (event !== 'projectChanged') return;
    showTitle((data as { project: { name: string } } | null)?.project.name ?? null);
    void installMenu(studio!);
  });
  window.on('closed', () => {
    unbind();
    window = null;
  });
}

app.on('second-instance', () => {
  if (window?.isMinimized()) window.restore();
  window?.focus();
});

// One window holds the whole studio: closing it quits, on macOS too (training must not run unseen).
app.on('window-all-closed', () => app.quit());

// Quitting stops a training run cleanly (it writes a checkpoint) before the process goes.
let closing = false;
app.on('before-quit', (event) => {
  if (!studio || closing) return;
  event.preventDefault();
  closing = true;
  void studio.close().finally(() => app.quit());
});

app
  .whenReady()
  .then(start)
  .catch((error: unknown) => {
    dialog.showErrorBox('GAN Studio could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
