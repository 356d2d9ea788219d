import { BrowserWindow } from 'electron';
import { guardContents } from './security.js';
import type { WindowState } from './windowState.js';

/**
 * The studio window: an isolated, sandboxed page with no Node, whose only bridge to the main
 * process is the preload's `studio` API. Shown once painted, so it never flashes empty.
 */
export function createMainWindow(options: { state: WindowState; preload: string; pageUrl: string; icon: string }): BrowserWindow {
  const { state } = options;
  const window = new BrowserWindow({
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'GAN Studio',
    icon: options.icon,
    backgroundColor: '#14171d',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  guardContents(window.webContents, options.pageUrl);
  window.once('ready-to-show', () => {
    if (state.maximized) window.maximize();
    window.show();
  });
  void window.loadURL(options.pageUrl);
  return window;
}
