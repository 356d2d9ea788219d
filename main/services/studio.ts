import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppInfo, FolderPurpose } from '../../shared/contract.js';
import type { startTraining } from '../engine/training/startTraining.js';
import { CurrentProject } from './currentProject.js';
import { StudioEvents } from './events.js';
import { ExportJobs } from './exportJobs.js';
import { ImportJobs } from './importJobs.js';
import { MeasureJobs } from './measureJobs.js';
import type { PathAccess } from './pathAccess.js';
import { RecentProjects } from './recentProjects.js';
import { SettingsFile } from './settings.js';
import { TensorJobs } from './tensorJobs.js';
import { TrainingSession } from './trainingSession.js';
import { Uploads } from './uploads.js';

export interface StudioOptions {
  mode: AppInfo['mode'];
  version: string;
  /** Where settings and the recent-projects list live. */
  configDir: string;
  /** Where "Try it" puts its demo projects. */
  projectsDir: string;
  /** Where web-mode uploads wait to be imported; default <configDir>/uploads. */
  uploadsDir?: string;
  access: PathAccess;
  /** A native folder dialog; absent in web mode. Resolves null when the user cancels. */
  chooseFolder?: (purpose: FolderPurpose) => Promise<string | null>;
  /** How training is started: a forked process by default; the desktop app uses a utility process, tests a fake. */
  startTraining?: typeof startTraining;
}

/** The main-process services behind the contract, the same under Electron, web mode and tests. */
export interface Studio {
  readonly info: AppInfo;
  readonly events: StudioEvents;
  readonly settings: SettingsFile;
  readonly recent: RecentProjects;
  readonly project: CurrentProject;
  readonly imports: ImportJobs;
  readonly training: TrainingSession;
  readonly tensors: TensorJobs;
  readonly exports: ExportJobs;
  readonly measures: MeasureJobs;
  readonly uploads: Uploads;
  readonly access: PathAccess;
  chooseFolder(purpose: FolderPurpose): Promise<string | null>;
  /** Throws when an import or a training run would be disturbed by `what`. */
  ensureIdle(what: string): void;
  /** Stops training (keeping a checkpoint) and the worker; call on quit. */
  close(): Promise<void>;
}

const isProjectFolder = (dir: string): Promise<boolean> =>
  stat(join(dir, 'project.json')).then(
    (info) => info.isFile(),
    () => false,
  );

export async function createStudio(options: StudioOptions): Promise<Studio> {
  await mkdir(options.configDir, { recursive: true });
  const events = new StudioEvents();
  const settings = new SettingsFile(options.configDir);
  const recent = new RecentProjects(options.configDir);
  const project = new CurrentProject({ events, recent, settings });
  const imports = new ImportJobs({ events, onImported: () => project.changed() });
  const training = new TrainingSession({ events, onProjectChanged: () => project.changed(), start: options.startTraining });
  const tensors = new TensorJobs();
  const exports = new ExportJobs({ events, tensors, onExported: () => project.changed() });
  const measures = new MeasureJobs({ events, tensors, onMeasured: () => project.changed() });
  const uploads = new Uploads(options.uploadsDir ?? join(options.configDir, 'uploads'));
  await uploads.sweep();
  const { access } = options;

  // Projects the user opened in earlier sessions stay theirs, and so does the app's own projects
  // folder. Only real project folders are granted, and never a path read from the settings file.
  access.grant(options.projectsDir);
  for (const p of await recent.list()) if (await isProjectFolder(p.path)) access.grant(p.path);

  return {
    info: { mode: options.mode, version: options.version, canChooseFolders: Boolean(options.chooseFolder), projectsDir: options.projectsDir },
    events,
    settings,
    recent,
    project,
    imports,
    training,
    tensors,
    exports,
    measures,
    uploads,
    access,
    async chooseFolder(purpose) {
      if (!options.chooseFolder) throw new Error('Folder dialogs exist in the desktop app only; type the folder path instead.');
      const chosen = await options.chooseFolder(purpose);
      if (chosen) access.grant(chosen);
      return chosen;
    },
    ensureIdle(what) {
      if (training.active) throw new Error(`Training is running: stop it before you ${what}.`);
      if (imports.running) throw new Error(`An import is running: wait for it or cancel it before you ${what}.`);
      if (measures.running) throw new Error(`A checkpoint is being measured: wait for it before you ${what}.`);
    },
    async close() {
      exports.cancel();
      await training.shutdown();
      await tensors.close();
      project.dispose();
    },
  };
}
