import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/contract.js';
import type { Studio } from '../services/studio.js';

/**
 * The native menu. Items that need the window's state (start uses the Train screen's options,
 * new project asks for a folder) are sent to the window as menu commands; Open Recent opens the
 * project here. Rebuilt when the recent list changes.
 */
export async function installMenu(studio: Studio): Promise<void> {
  const send = (command: MenuCommand) => () => studio.events.emit('menuCommand', command);
  const recent = await studio.recent.list();
  const isMac = process.platform === 'darwin';
  const openRecent = (path: string) => () => {
    studio.ensureIdle('open another project');
    void studio.project.open(path).catch((error: Error) => console.warn(error.message));
  };

  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: send('newProject') },
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: send('openProject') },
        {
          label: 'Open Recent',
          submenu: recent.length ? recent.map((p) => ({ label: `${p.name} — ${p.path}`, click: openRecent(p.path) })) : [{ label: 'No recent projects', enabled: false }],
        },
        { type: 'separator' },
        { label: 'Import Folder…', accelerator: 'CmdOrCtrl+I', click: send('importFolder') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&Training',
      submenu: [
        { label: 'Start', accelerator: 'CmdOrCtrl+Enter', click: send('startTraining') },
        // Space belongs to the page (it is typed in text fields): shown here, handled there.
        { label: 'Pause / Resume', accelerator: 'Space', registerAccelerator: false, click: send('togglePause') },
        { label: 'Stop', accelerator: 'CmdOrCtrl+.', click: send('stopTraining') },
      ],
    },
    {
      label: '&View',
      submenu: [
        { label: 'Dataset', accelerator: 'CmdOrCtrl+1', click: send('showDataset') },
        { label: 'Model', accelerator: 'CmdOrCtrl+2', click: send('showModel') },
        { label: 'Train', accelerator: 'CmdOrCtrl+3', click: send('showTrain') },
        { label: 'Runs', accelerator: 'CmdOrCtrl+4', click: send('showRuns') },
        { label: 'Export', accelerator: 'CmdOrCtrl+5', click: send('showExport') },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
