import { dialog, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { FolderPurpose } from '../../shared/contract.js';

/** The native dialog for each purpose; resolves the chosen path, or null when cancelled. */
export async function chooseFolder(window: BrowserWindow, purpose: FolderPurpose, projectsDir: string): Promise<string | null> {
  switch (purpose) {
    case 'import':
      return open(window, 'Import a folder of images', 'Import');
    case 'openProject':
      return open(window, 'Open a GAN Studio project', 'Open', projectsDir);
    case 'newProject':
      return save(window, 'New project: name its folder', 'Create', join(projectsDir, 'My project'));
    case 'export':
      return save(window, 'Export into a new folder', 'Export');
    case 'generator':
      return openFile(window, 'Import a generator (.onnx)', 'Import', [{ name: 'ONNX generator', extensions: ['onnx'] }]);
  }
}

async function openFile(window: BrowserWindow, title: string, buttonLabel: string, filters: Electron.FileFilter[]): Promise<string | null> {
  const result = await dialog.showOpenDialog(window, { title, buttonLabel, filters, properties: ['openFile'] });
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

async function open(window: BrowserWindow, title: string, buttonLabel: string, defaultPath?: string): Promise<string | null> {
  const result = await dialog.showOpenDialog(window, { title, buttonLabel, defaultPath, properties: ['openDirectory', 'createDirectory'] });
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** A save dialog names a folder that does not exist yet (a new project, a new export). */
async function save(window: BrowserWindow, title: string, buttonLabel: string, defaultPath?: string): Promise<string | null> {
  const result = await dialog.showSaveDialog(window, { title, buttonLabel, defaultPath, properties: ['createDirectory', 'showOverwriteConfirmation'] });
  return result.canceled || !result.filePath ? null : result.filePath;
}
