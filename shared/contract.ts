/**
 * The one contract between the studio's window and its main-process services: every channel's
 * request schema, its response type, and the events the services push. main/ipc.ts binds it in
 * one table, the preload and the WebSocket transport carry it, and the renderer sees it as the
 * `StudioApi` below. Adding a feature means adding a line here first.
 */
import { z } from 'zod';
import type { BackendReport } from './backends.js';
import { builtinDatasetIds, channelModes, importOptionsSchema, type DatasetManifest, type ImportProgress } from './dataset.js';
import { exploreFields, type DirectionsResult, type NearestResult } from './explore.js';
import { exportFormatIdSchema, exportOptionsSchema, type ExportFormatInfo, type ExportProgress, type ExportResult } from './export.js';
import { DEFAULT_FILM_FPS, MAX_FILM_FPS, type FilmExport, type FilmExportEvent, type FilmFrameInfo, type FilmFramePicture } from './film.js';
import type { ImportedGenerator } from './handoff.js';
import { presetIdSchema, presetParamSchemas, type PresetId } from './presets.js';
import type { ProjectSummary, RunSummary } from './project.js';
import type { CheckpointEvaluation, RunQualityFile } from './quality.js';
import type { Result } from './result.js';
import { adviceViews, backendNames, trainOptionsSchema, type SampleGrid, type StepMetrics, type TrainingEvent } from './training.js';
import type { TrainingState } from './trainingState.js';
import { uploadIdSchema } from './upload.js';

const empty = z.object({}).strict();
const path = z.string().trim().min(1, 'must not be empty').max(4096, 'is too long');
/** Run and checkpoint ids are folder names the engine made: nothing that could climb out of a project. */
const folderId = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a run or checkpoint id such as run-001 or step-00000100');

/** Checks raw preset params against their preset's schema, so a bad field is named before any work starts. */
function checkPresetParams(value: { preset: PresetId; params: Record<string, unknown> }, ctx: z.RefinementCtx): void {
  const parsed = presetParamSchemas[value.preset].safeParse(value.params);
  if (parsed.success) return;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['params', ...issue.path] });
}

/** A preset and its params as the window sends them (defaults not filled in). */
const presetChoice = z
  .object({ preset: presetIdSchema, params: z.record(z.string(), z.unknown()).default({}) })
  .strict()
  .superRefine(checkPresetParams);

/** What a native dialog is for; 'generator' picks an .onnx file rather than a folder. */
export const folderPurposes = ['import', 'openProject', 'newProject', 'export', 'generator'] as const;
export type FolderPurpose = (typeof folderPurposes)[number];

const settingFields = {
  /** 'auto' picks the best backend that loads (DESIGN.md order). */
  backend: z.enum(['auto', ...backendNames]),
  /** The project opened last, reopened at start. */
  lastProject: z.string().nullable(),
};
export const settingsSchema = z
  .object({ backend: settingFields.backend.default('auto'), lastProject: settingFields.lastProject.default(null) })
  .strict();
export type Settings = z.output<typeof settingsSchema>;
/**
 * A change to some settings from a window; what is left out stays as it was. The remembered project
 * is not among them: it is set by opening a project (through the path checks), never written by a window.
 */
export const settingsPatchSchema = z.object({ backend: settingFields.backend }).partial().strict();

export const builtinImportSchema = z
  .object({
    dataset: z.enum(builtinDatasetIds),
    size: z.number().int().min(8).max(128).optional(),
    channels: z.enum(channelModes).optional(),
    count: z.number().int().min(16).max(100000).optional(),
  })
  .strict();

/** Every channel and the schema its request must pass; the key is also the verb's name. */
export const requestSchemas = {
  getAppInfo: empty,
  getSettings: empty,
  saveSettings: settingsPatchSchema,
  listRecentProjects: empty,
  /** Every TensorFlow backend on the machine the services run on: loaded or not, device, reason, fix (probed once, again with refresh). */
  getBackendReport: z.object({ refresh: z.boolean().default(false) }).strict(),
  /** A native folder dialog (desktop only); the chosen path becomes usable by the other verbs. */
  chooseFolder: z.object({ purpose: z.enum(folderPurposes) }).strict(),

  getProject: empty,
  createProject: z.object({ path, name: z.string().trim().min(1).max(120).optional() }).strict(),
  openProject: z.object({ path }).strict(),
  closeProject: empty,
  /** Creates (or reopens) a demo project on a built-in dataset: the welcome screen's "Try it". */
  tryBuiltin: z.object({ dataset: z.enum(builtinDatasetIds) }).strict(),

  importFolder: z.object({ folder: path, options: importOptionsSchema }).strict(),
  importBuiltin: builtinImportSchema,
  /** Web mode: imports the pictures (and zip archives) the window sent to POST /upload under this id, then removes them. */
  importUpload: z.object({ upload: uploadIdSchema, options: importOptionsSchema }).strict(),
  cancelImport: empty,
  getImportState: empty,
  getDatasetPreview: z.object({ perRow: z.number().int().min(1).max(32).default(8), rows: z.number().int().min(1).max(16).default(4) }).strict(),

  describeModel: presetChoice,
  savePresetChoice: presetChoice,

  startTraining: z
    .object({
      options: trainOptionsSchema.superRefine(checkPresetParams),
      resume: z.object({ runId: folderId.optional(), checkpointId: folderId.optional() }).strict().optional(),
    })
    .strict(),
  pauseTraining: empty,
  resumeTraining: empty,
  stopTraining: empty,
  getTrainingState: empty,
  /** While paused: `discriminator` D updates, then a G update if `generator` (Step D, Step G, Step both). */
  stepTraining: z
    .object({ discriminator: z.number().int().min(0).max(10), generator: z.boolean() })
    .strict()
    .refine((step) => step.discriminator > 0 || step.generator, 'must update the discriminator, the generator or both'),
  /** What the Train screen's advice view shows: D's gradient over the samples, over real images, or nothing. */
  setAdviceView: z.object({ view: z.enum(adviceViews) }).strict(),

  listRuns: empty,
  getRunMetrics: z.object({ runId: folderId, maxPoints: z.number().int().min(10).max(100000).default(4000) }).strict(),
  getCheckpointSamples: z.object({ runId: folderId, checkpointId: folderId }).strict(),
  sampleCheckpoint: z
    .object({ runId: folderId, checkpointId: folderId, seed: z.number().int().min(0).max(2 ** 31 - 1).default(1) })
    .strict(),
  /** The run's training film (shared/film.ts): the step and epoch of every kept preview, in order. */
  listFilmFrames: z.object({ runId: folderId }).strict(),
  /** One film frame's picture (PNG bytes), named by its step. */
  getFilmFrame: z.object({ runId: folderId, step: z.number().int().min(0) }).strict(),
  /** Writes the run's film as an animated GIF into the project's exports folder (exports/<run>-film.gif). */
  exportFilm: z
    .object({ runId: folderId, fps: z.number().int().min(1).max(MAX_FILM_FPS).default(DEFAULT_FILM_FPS), force: z.boolean().default(false) })
    .strict(),
  /** The run's quality summary: its chosen measure, held-out real scores, alarms; null for a run without measures. */
  getRunQuality: z.object({ runId: folderId }).strict(),
  /** Measures a checkpoint on demand (training the feature network first if needed) and stores the measures with it. */
  measureCheckpoint: z.object({ runId: folderId, checkpointId: folderId }).strict(),

  /** The latent explorer (shared/explore.ts): picks of one noise seed, drawn by a checkpoint's generator. */
  exploreSamples: z.object({ runId: folderId, checkpointId: folderId, ...exploreFields.samples }).strict(),
  /** A spherical walk between two picks. */
  exploreWalk: z.object({ runId: folderId, checkpointId: folderId, ...exploreFields.walk }).strict(),
  /** Strips along noise directions (principal directions of G's first layer, or random) through a pick, and the pick moved along them. */
  exploreDirections: z.object({ runId: folderId, checkpointId: folderId, ...exploreFields.directions }).strict(),
  /** Conditional generators: the same noise drawn in every class, a row per class. */
  exploreClasses: z.object({ runId: folderId, checkpointId: folderId, ...exploreFields.classes }).strict(),
  /** Conditional generators: a pick drawn while its class embedding moves from one class to another. */
  exploreMorph: z.object({ runId: folderId, checkpointId: folderId, ...exploreFields.morph }).strict(),
  /** The dataset images nearest to a pick, by pixels and by the studio's feature network (a check for memorisation). */
  exploreNearest: z.object({ runId: folderId, checkpointId: folderId, ...exploreFields.nearest }).strict(),

  listExportFormats: empty,
  /** Exports a checkpoint's generator; without `out`, into the project's exports folder. */
  exportCheckpoint: z
    .object({ runId: folderId, checkpointId: folderId, format: exportFormatIdSchema, out: path.optional(), options: exportOptionsSchema.default({}) })
    .strict(),
  cancelExport: empty,
  getExportState: empty,
  /** The picture a finished export made (an images export's sheet, a gif export's animation); null for the others. */
  getExportPreview: z.object({ outDir: path }).strict(),

  /** Brings a generator .onnx (the PyTorch job's, or an ONNX export) into the project as a run of its own. */
  importGenerator: z.object({ path }).strict(),
} as const;

export type Channel = keyof typeof requestSchemas;
export const channels = Object.keys(requestSchemas) as Channel[];
/** What a caller passes (defaults not yet filled in). */
export type RequestOf<C extends Channel> = z.input<(typeof requestSchemas)[C]>;
/** What a handler receives (validated, defaults filled in). */
export type ParsedRequestOf<C extends Channel> = z.output<(typeof requestSchemas)[C]>;

export interface AppInfo {
  mode: 'desktop' | 'web';
  version: string;
  /** True where native dialogs exist; in web mode paths are typed. */
  canChooseFolders: boolean;
  /** Where "Try it" and new projects go unless the user picks a place. */
  projectsDir: string;
}

export interface RecentProject {
  path: string;
  name: string;
  openedAt: string;
}

/** One layer of a model as the Model screen draws it. */
export interface LayerRow {
  name: string;
  kind: string;
  /** Output shape without the batch dimension, e.g. [16, 16, 64]. */
  outputShape: number[];
  params: number;
}

export interface ModelDescription {
  generator: LayerRow[];
  discriminator: LayerRow[];
  generatorParams: number;
  discriminatorParams: number;
  image: { height: number; width: number; channels: number; classes: number };
}

export interface DatasetPreview {
  grid: SampleGrid;
  /** What each row shows: a class name, or an empty string for unlabelled data. */
  rowLabels: string[];
}

export type ImportJobEvent =
  | { state: 'running'; source: string; progress: ImportProgress }
  | { state: 'done'; source: string; manifest: DatasetManifest }
  | { state: 'failed'; source: string; error: string }
  | { state: 'cancelled'; source: string };

/** The on-demand measuring of one checkpoint. */
export type MeasureJobEvent = { runId: string; checkpointId: string } & (
  | { state: 'running'; stage: string; done: number; total: number }
  | { state: 'done'; evaluation: CheckpointEvaluation }
  | { state: 'failed'; error: string }
);

/** A picture from an export folder, as bytes the window shows through a blob URL. */
export interface ExportPreview {
  /** Relative to the export folder, e.g. sheet.png. */
  file: string;
  mime: 'image/png' | 'image/gif';
  bytes: Uint8Array;
}

export type ExportJobEvent =
  | { state: 'running'; format: string; outDir: string; progress: ExportProgress }
  | { state: 'done'; format: string; outDir: string; result: ExportResult }
  | { state: 'failed'; format: string; outDir: string; error: string }
  | { state: 'cancelled'; format: string; outDir: string };

/** Menu items and shortcuts the window acts on; the desktop menu sends them as events. */
export const menuCommands = [
  'newProject',
  'openProject',
  'importFolder',
  'startTraining',
  'togglePause',
  'stopTraining',
  'showDataset',
  'showModel',
  'showTrain',
  'showRuns',
  'showExport',
] as const;
export type MenuCommand = (typeof menuCommands)[number];

export interface ResponseMap {
  getAppInfo: AppInfo;
  getSettings: Settings;
  saveSettings: Settings;
  listRecentProjects: RecentProject[];
  getBackendReport: BackendReport;
  chooseFolder: string | null;
  getProject: ProjectSummary | null;
  createProject: ProjectSummary;
  openProject: ProjectSummary;
  closeProject: null;
  tryBuiltin: ProjectSummary;
  importFolder: DatasetManifest;
  importBuiltin: DatasetManifest;
  importUpload: DatasetManifest;
  cancelImport: { cancelled: boolean };
  getImportState: ImportJobEvent | null;
  getDatasetPreview: DatasetPreview;
  describeModel: ModelDescription;
  savePresetChoice: ProjectSummary;
  startTraining: TrainingState;
  pauseTraining: TrainingState;
  resumeTraining: TrainingState;
  stopTraining: TrainingState;
  getTrainingState: TrainingState;
  stepTraining: TrainingState;
  setAdviceView: TrainingState;
  listRuns: RunSummary[];
  getRunMetrics: StepMetrics[];
  getCheckpointSamples: SampleGrid;
  sampleCheckpoint: SampleGrid;
  listFilmFrames: FilmFrameInfo[];
  getFilmFrame: FilmFramePicture;
  exportFilm: FilmExport;
  getRunQuality: RunQualityFile | null;
  measureCheckpoint: CheckpointEvaluation;
  exploreSamples: SampleGrid;
  exploreWalk: SampleGrid;
  exploreDirections: DirectionsResult;
  exploreClasses: SampleGrid;
  exploreMorph: SampleGrid;
  exploreNearest: NearestResult;
  listExportFormats: readonly ExportFormatInfo[];
  exportCheckpoint: ExportResult;
  cancelExport: { cancelled: boolean };
  getExportState: ExportJobEvent | null;
  getExportPreview: ExportPreview | null;
  importGenerator: ImportedGenerator;
}
export type ResponseOf<C extends Channel> = ResponseMap[C];

/** Everything the services push to every window, keyed by event name. */
export interface StudioEventMap {
  trainingEvent: TrainingEvent;
  importProgress: ImportJobEvent;
  exportProgress: ExportJobEvent;
  measureProgress: MeasureJobEvent;
  filmExportProgress: FilmExportEvent;
  projectChanged: ProjectSummary | null;
  menuCommand: MenuCommand;
  /** A folder dropped on the desktop window (the path is granted like a dialog's). */
  folderDropped: { path: string };
}
export type StudioEventName = keyof StudioEventMap;

/**
 * Desktop only, and not a verb of the page: the preload's own message for a folder dropped on the
 * window, carrying its path (string). Only a real drop has a path, so the main process grants it
 * like a dialog's choice and answers with the folderDropped event. The sandboxed preload can
 * require nothing but electron, so it spells the name out, typed as DropMessage.
 */
export const DROP_MESSAGE = 'studio:drop';
export type DropMessage = typeof DROP_MESSAGE;
export const studioEventNames: StudioEventName[] = ['trainingEvent', 'importProgress', 'exportProgress', 'measureProgress', 'filmExportProgress', 'projectChanged', 'menuCommand', 'folderDropped'];

/** The events each channel causes, besides its reply (the rest cause none). */
export const eventsOf: Partial<Record<Channel, readonly StudioEventName[]>> = {
  createProject: ['projectChanged'],
  openProject: ['projectChanged'],
  closeProject: ['projectChanged'],
  tryBuiltin: ['projectChanged', 'importProgress'],
  importFolder: ['importProgress', 'projectChanged'],
  importBuiltin: ['importProgress', 'projectChanged'],
  importUpload: ['importProgress', 'projectChanged'],
  cancelImport: ['importProgress'],
  savePresetChoice: ['projectChanged'],
  startTraining: ['trainingEvent', 'projectChanged'],
  pauseTraining: ['trainingEvent'],
  resumeTraining: ['trainingEvent'],
  stopTraining: ['trainingEvent', 'projectChanged'],
  stepTraining: ['trainingEvent', 'projectChanged'],
  measureCheckpoint: ['measureProgress', 'projectChanged'],
  exportCheckpoint: ['exportProgress', 'projectChanged'],
  cancelExport: ['exportProgress'],
  importGenerator: ['projectChanged'],
  exportFilm: ['filmExportProgress'],
};

export type Unsubscribe = () => void;

/** A verb whose request is an empty object may be called with no argument. */
type Verb<C extends Channel> = {} extends RequestOf<C>
  ? (request?: RequestOf<C>) => Promise<Result<ResponseOf<C>>>
  : (request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;

type Subscribers = {
  [E in StudioEventName as `on${Capitalize<E>}`]: (listener: (data: StudioEventMap[E]) => void) => Unsubscribe;
};

/** What the renderer sees, whichever transport carries it: one verb per channel, one subscriber per event. */
export type StudioApi = { [C in Channel]: Verb<C> } & Subscribers;

export const subscriberName = <E extends StudioEventName>(event: E): `on${Capitalize<E>}` =>
  `on${event[0].toUpperCase()}${event.slice(1)}` as `on${Capitalize<E>}`;
