import type { FolderPurpose, MenuCommand } from '../../../shared/contract.js';
import type { ProjectSummary } from '../../../shared/project.js';
import type { TrainOptions } from '../../../shared/training.js';
import { paramProblem } from './paramDrafts.js';
import { studio, type Screen } from './studio.svelte.js';

/** Asks for a folder with the native dialog (desktop); null when cancelled or in web mode. */
export async function chooseFolder(purpose: FolderPurpose): Promise<string | null> {
  if (!studio.info?.canChooseFolders) return null;
  return studio.call(studio.api.chooseFolder({ purpose }));
}

export async function openProject(path?: string): Promise<void> {
  const chosen = path ?? (await chooseFolder('openProject'));
  if (!chosen) return;
  if (await studio.call(studio.api.openProject({ path: chosen }))) {
    studio.notice = null;
    studio.screen = 'dataset';
  }
}

export async function newProject(path?: string): Promise<void> {
  const chosen = path ?? (await chooseFolder('newProject'));
  if (!chosen) return;
  if (await studio.call(studio.api.createProject({ path: chosen }))) {
    studio.notice = null;
    studio.screen = 'dataset';
  }
}

/** Starts a run with the project's preset and the Train screen's options, or says why it cannot. */
export async function startTraining(): Promise<void> {
  const project = studio.project;
  const why = project ? whyNotStart(project) : 'Open a project first.';
  if (why) {
    studio.notice = { kind: 'error', text: why };
    if (project && !project.dataset) studio.screen = 'dataset';
    return;
  }
  const { epochs, seed, checkpointEverySteps, previewSeconds } = studio.trainOptions;
  await startRun({
    preset: project!.project.preset,
    params: project!.project.params,
    epochs,
    seed,
    checkpointEverySteps,
    sampleIntervalMs: Math.max(100, Math.round(previewSeconds * 1000)),
  });
}

/** Why Start would fail for this project as it stands (no dataset, an invalid parameter); null when it can start. */
export function whyNotStart(project: ProjectSummary): string | null {
  if (!project.dataset) return 'Import a dataset before training.';
  return paramProblem(project);
}

/**
 * Shows the Train screen at once with the run starting (loading a run takes seconds), then
 * training; if it cannot start, the reason appears there and the screen goes back to how it was.
 */
export async function startRun(options: TrainOptions, resume?: { runId: string; checkpointId: string }): Promise<void> {
  studio.screen = 'train';
  studio.notice = null;
  studio.setStatus('starting', { resumedFrom: resume ? `${resume.runId}/${resume.checkpointId}` : undefined });
  const started = await studio.call(studio.api.startTraining({ options, resume }));
  if (!started && studio.training.status === 'starting') {
    const now = await studio.api.getTrainingState();
    if (now.ok) studio.setTraining(now.value);
  }
}

export async function togglePause(): Promise<void> {
  const { status } = studio.training;
  if (status === 'running') {
    studio.setStatus('pausing');
    if (!(await studio.call(studio.api.pauseTraining())) && studio.training.status === 'pausing') studio.setStatus('running');
  } else if (status === 'paused') await studio.call(studio.api.resumeTraining());
}

export async function stopTraining(): Promise<void> {
  if (!studio.trainingActive) return;
  const state = await studio.call(studio.api.stopTraining());
  if (state?.status === 'stopping' && studio.trainingActive) studio.setStatus('stopping');
}

const screenOf: Partial<Record<MenuCommand, Screen>> = {
  showDataset: 'dataset',
  showModel: 'model',
  showTrain: 'train',
  showRuns: 'runs',
  showExport: 'export',
};

/** Menu items (desktop) and keyboard shortcuts (both) end here. */
export function runCommand(command: MenuCommand): void {
  const screen = screenOf[command];
  if (screen) {
    if (studio.project) studio.screen = screen;
    return;
  }
  switch (command) {
    case 'newProject':
      void newProject();
      break;
    case 'openProject':
      void openProject();
      break;
    case 'importFolder':
      studio.screen = 'dataset';
      break;
    case 'startTraining':
      if (studio.training.status === 'paused') void togglePause();
      else if (!studio.trainingActive) void startTraining();
      break;
    case 'togglePause':
      void togglePause();
      break;
    case 'stopTraining':
      void stopTraining();
      break;
  }
}
