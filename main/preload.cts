/**
 * The desktop window's preload (sandboxed, so CommonJS with only `electron` to require). It hands
 * the page the `studio` API and nothing else: one verb per contract channel, one subscriber per
 * event that returns its unsubscribe. The page never sees ipcRenderer, so it cannot send on a
 * channel the contract does not name. The object literal is typed as StudioApi, so a verb missing
 * or misspelled here fails the build.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { Channel, DropMessage, StudioApi, StudioEventMap, StudioEventName } from '../shared/contract.js';

const invoke = <C extends Channel>(channel: C) =>
  ((request?: unknown) => ipcRenderer.invoke(`studio:${channel}`, request ?? {})) as StudioApi[C];

const subscribe =
  <E extends StudioEventName>(event: E) =>
  (listener: (data: StudioEventMap[E]) => void) => {
    const handler = (_event: IpcRendererEvent, data: StudioEventMap[E]) => listener(data);
    ipcRenderer.on(`studio:event:${event}`, handler);
    return () => void ipcRenderer.removeListener(`studio:event:${event}`, handler);
  };

const studio: StudioApi = {
  getAppInfo: invoke('getAppInfo'),
  getSettings: invoke('getSettings'),
  saveSettings: invoke('saveSettings'),
  listRecentProjects: invoke('listRecentProjects'),
  getBackendReport: invoke('getBackendReport'),
  chooseFolder: invoke('chooseFolder'),
  getProject: invoke('getProject'),
  createProject: invoke('createProject'),
  openProject: invoke('openProject'),
  closeProject: invoke('closeProject'),
  tryBuiltin: invoke('tryBuiltin'),
  importFolder: invoke('importFolder'),
  importBuiltin: invoke('importBuiltin'),
  importUpload: invoke('importUpload'),
  cancelImport: invoke('cancelImport'),
  getImportState: invoke('getImportState'),
  getDatasetPreview: invoke('getDatasetPreview'),
  describeModel: invoke('describeModel'),
  savePresetChoice: invoke('savePresetChoice'),
  startTraining: invoke('startTraining'),
  pauseTraining: invoke('pauseTraining'),
  resumeTraining: invoke('resumeTraining'),
  stopTraining: invoke('stopTraining'),
  getTrainingState: invoke('getTrainingState'),
  stepTraining: invoke('stepTraining'),
  setAdviceView: invoke('setAdviceView'),
  listRuns: invoke('listRuns'),
  getRunMetrics: invoke('getRunMetrics'),
  getCheckpointSamples: invoke('getCheckpointSamples'),
  sampleCheckpoint: invoke('sampleCheckpoint'),
  listFilmFrames: invoke('listFilmFrames'),
  getFilmFrame: invoke('getFilmFrame'),
  exportFilm: invoke('exportFilm'),
  getRunQuality: invoke('getRunQuality'),
  measureCheckpoint: invoke('measureCheckpoint'),
  exploreSamples: invoke('exploreSamples'),
  exploreWalk: invoke('exploreWalk'),
  exploreDirections: invoke('exploreDirections'),
  exploreClasses: invoke('exploreClasses'),
  exploreMorph: invoke('exploreMorph'),
  exploreNearest: invoke('exploreNearest'),
  listExportFormats: invoke('listExportFormats'),
  exportCheckpoint: invoke('exportCheckpoint'),
  cancelExport: invoke('cancelExport'),
  getExportState: invoke('getExportState'),
  getExportPreview: invoke('getExportPreview'),
  importGenerator: invoke('importGenerator'),
  onTrainingEvent: subscribe('trainingEvent'),
  onImportProgress: subscribe('importProgress'),
  onExportProgress: subscribe('exportProgress'),
  onMeasureProgress: subscribe('measureProgress'),
  onFilmExportProgress: subscribe('filmExportProgress'),
  onProjectChanged: subscribe('projectChanged'),
  onMenuCommand: subscribe('menuCommand'),
  onFolderDropped: subscribe('folderDropped'),
};

contextBridge.exposeInMainWorld('studio', studio);

/**
 * A folder dropped anywhere on the window. Only a real drop carries a file path (a File the page
 * makes itself has none), so the main process can treat the path as chosen by the user.
 */
// The page's DOM, typed here as far as used: main/ compiles without the DOM library.
type DroppedFile = Parameters<typeof webUtils.getPathForFile>[0];
interface DragEventLike {
  preventDefault(): void;
  dataTransfer: { files: ArrayLike<DroppedFile> } | null;
}
const page = globalThis as unknown as { addEventListener(type: 'dragover' | 'drop', listener: (event: DragEventLike) => void): void };

const dropMessage: DropMessage = 'studio:drop';

page.addEventListener('dragover', (event) => event.preventDefault());
page.addEventListener('drop', (event) => {
  event.preventDefault();
  const file = event.dataTransfer?.files[0];
  if (!file) return;
  const path = webUtils.getPathForFile(file);
  if (path) ipcRenderer.send(dropMessage, path);
});
