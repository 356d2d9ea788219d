import { ipcMain, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import { stat } from 'node:fs/promises';
import { channels, DROP_MESSAGE } from '../../shared/contract.js';
import { fail } from '../../shared/result.js';
import { callChannel, handlersFor } from '../ipc.js';
import type { Studio } from '../services/studio.js';

/**
 * Binds the contract to Electron IPC: one `studio:<channel>` handler per channel, all going
 * through callChannel (validation, Result). Only the studio page of our window may call; events
 * go to that window. Returns a function that unbinds everything.
 */
export function bindIpc(studio: Studio, window: BrowserWindow, pageUrl: string): () => void {
  const table = handlersFor(studio);
  const fromStudioPage = (event: IpcMainEvent | IpcMainInvokeEvent) =>
    event.sender === window.webContents && event.senderFrame?.url === pageUrl && event.senderFrame === window.webContents.mainFrame;

  for (const channel of channels) {
    ipcMain.handle(`studio:${channel}`, (event, payload: unknown) =>
      fromStudioPage(event) ? callChannel(table, channel, payload) : fail(`${channel}: refused, the call did not come from the studio window`),
    );
  }

  const onDrop = (event: IpcMainEvent, path: unknown) => {
    if (!fromStudioPage(event) || typeof path !== 'string' || !path) return;
    // Only folders: the window imports folders, and a dropped file says nothing about its neighbours.
    void stat(path).then(
      (info) => {
        if (!info.isDirectory()) return;
        studio.access.grant(path);
        studio.events.emit('folderDropped', { path });
      },
      () => {},
    );
  };
  ipcMain.on(DROP_MESSAGE, onDrop);

  const unsubscribe = studio.events.subscribe((event, data) => {
    if (!window.isDestroyed()) window.webContents.send(`studio:event:${event}`, data);
  });

  return () => {
    for (const channel of channels) ipcMain.removeHandler(`studio:${channel}`);
    ipcMain.off(DROP_MESSAGE, onDrop);
    unsubscribe();
  };
}
