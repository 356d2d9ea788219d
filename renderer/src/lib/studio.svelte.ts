import type { AppInfo, ExportJobEvent, ImportJobEvent, MeasureJobEvent, RecentProject, Settings, StudioApi } from '../../../shared/contract.js';
import type { ProjectSummary } from '../../../shared/project.js';
import type { Result } from '../../../shared/result.js';
import type { TrainingEvent } from '../../../shared/training.js';
import { activeStatuses, applyTrainingEvent, idleTraining, type TrainingState, type TrainingStatus } from '../../../shared/trainingState.js';
import type { ConnectionStatus } from '../transport/socketStudio.js';

export const screens = ['dataset', 'model', 'train', 'runs', 'export'] as const;
export type Screen = (typeof screens)[number];

/** Metrics a window keeps for its live charts before thinning (the charts decimate what they draw). */
const MAX_CHART_POINTS = 20000;

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

/**
 * What every screen reads: the open project, the training run, the import job, the screen shown.
 * It is filled from the services at start and kept current by their events; screens call the
 * studio API through `call`, which turns a refusal into a notice the user sees.
 */
class StudioState {
  api!: StudioApi;
  info = $state.raw<AppInfo | null>(null);
  project = $state.raw<ProjectSummary | null>(null);
  training = $state.raw<TrainingState>(idleTraining());
  importJob = $state.raw<ImportJobEvent | null>(null);
  exportJob = $state.raw<ExportJobEvent | null>(null);
  /** The checkpoint being measured on demand (Runs screen), or the outcome of the last one. */
  measureJob = $state.raw<MeasureJobEvent | null>(null);
  recent = $state.raw<RecentProject[]>([]);
  settings = $state.raw<Settings | null>(null);
  screen = $state<Screen>('dataset');
  connection = $state<ConnectionStatus>('connecting');
  /** True once the first state has arrived; until then the window shows only the connection state. */
  ready = $state(false);
  notice = $state.raw<Notice | null>(null);
  /** A folder dropped on the desktop window, waiting for the Dataset screen to offer it. */
  droppedFolder = $state<string | null>(null);
  /** The checkpoint the Runs screen sent to the Export screen. */
  exportTarget = $state<{ runId: string; checkpointId: string } | null>(null);
  /**
   * What the user typed in the Model screen's fields, per project and preset (see paramDrafts.ts),
   * kept while they visit other screens, invalid text included, so nothing typed vanishes.
   */
  paramDrafts = $state<Record<string, Record<string, string>>>({});
  /** The training options of the Train screen, here so shortcuts and menus start the same run. */
  trainOptions = $state({ epochs: 20, seed: 42, checkpointEverySteps: 0, previewSeconds: 2 });

  private plainTraining: TrainingState = idleTraining();

  async connect(api: StudioApi): Promise<void> {
    this.api = api;
    api.onProjectChanged((summary) => {
      // A message about one project is stale once another (or none) is open.
      if (summary?.path !== this.project?.path) this.notice = null;
      this.project = summary;
    });
    api.onImportProgress((event) => (this.importJob = event));
    api.onExportProgress((event) => (this.exportJob = event));
    api.onMeasureProgress((event) => (this.measureJob = event));
    api.onTrainingEvent((event) => this.onTrainingEvent(event));
    api.onFolderDropped(({ path }) => {
      this.droppedFolder = path;
      this.screen = 'dataset';
    });
    await this.refresh();
  }

  /** Rereads everything (at start, and after the web connection comes back). */
  async refresh(): Promise<void> {
    const [info, project, training, importJob, exportJob, recent, settings] = await Promise.all([
      this.api.getAppInfo(),
      this.api.getProject(),
      this.api.getTrainingState(),
      this.api.getImportState(),
      this.api.getExportState(),
      this.api.listRecentProjects(),
      this.api.getSettings(),
    ]);
    if (info.ok) this.info = info.value;
    if (project.ok) this.project = project.value;
    if (training.ok) this.setTraining(training.value);
    if (importJob.ok) this.importJob = importJob.value;
    if (exportJob.ok) this.exportJob = exportJob.value;
    if (recent.ok) this.recent = recent.value;
    if (settings.ok) this.settings = settings.value;
    this.ready = info.ok;
  }

  /** Runs a call; a refusal becomes the notice at the top of the window and the result null. */
  async call<T>(pending: Promise<Result<T>>): Promise<T | null> {
    const result = await pending;
    if (result.ok) return result.value;
    this.notice = { kind: 'error', text: result.error };
    return null;
  }

  get trainingActive(): boolean {
    return activeStatuses.includes(this.training.status);
  }

  /**
   * Shows a status the services will confirm with an event later: 'starting' the moment Start is
   * pressed (a run takes seconds to load), 'pausing' until the step in progress ends.
   */
  setStatus(status: TrainingStatus, fresh?: { resumedFrom?: string }): void {
    if (status === 'starting') {
      this.plainTraining = { ...idleTraining(), status, projectPath: this.project?.path ?? null, resumedFrom: fresh?.resumedFrom ?? null, adviceView: this.plainTraining.adviceView };
    } else this.plainTraining.status = status;
    this.training = { ...this.plainTraining };
  }

  /** The advice view as the services confirmed it; its picture goes when it is turned off. */
  setAdvice(view: TrainingState['adviceView']): void {
    this.plainTraining.adviceView = view;
    if (view === 'off') this.plainTraining.advice = null;
    this.training = { ...this.plainTraining };
  }

  setTraining(state: TrainingState): void {
    this.plainTraining = state;
    this.training = { ...state };
  }

  private onTrainingEvent(event: TrainingEvent): void {
    // The advice view is the window's choice and outlives the run.
    if (event.type === 'started') this.plainTraining = { ...idleTraining(), projectPath: this.project?.path ?? null, adviceView: this.plainTraining.adviceView };
    applyTrainingEvent(this.plainTraining, event, MAX_CHART_POINTS);
    // A new object each time, so everything reading `training` updates; the arrays inside are shared.
    this.training = { ...this.plainTraining };
    if (event.type === 'started' && event.resumedFrom) void this.loadEarlierMetrics(event.runId, event.step);
  }

  /** A resumed run's charts start with what the run logged before the checkpoint it resumed from. */
  private async loadEarlierMetrics(runId: string, step: number): Promise<void> {
    const result = await this.api.getRunMetrics({ runId, maxPoints: 5000 });
    if (!result.ok || this.plainTraining.runId !== runId) return;
    const earlier = result.value.filter((m) => m.step <= step);
    this.plainTraining.metrics = [...earlier, ...this.plainTraining.metrics.filter((m) => m.step > step)];
    this.training = { ...this.plainTraining };
  }
}

export const studio = new StudioState();
