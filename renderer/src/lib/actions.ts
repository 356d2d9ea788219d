import type { FolderPurpose, MenuCommand } from '../../../shared/contract.js';
import { studio, type Screen } from './studio.svelte.js';

/** Asks for a folder with the native dialog (desktop); null when cancelled or in web mode. */
export async function chooseFolder(purpose: FolderPurpose): Promise<string | null> {
  if (!studio.info?.canChooseFolders) return null;
  return studio.call(studio.api.chooseFolder({ purpose }));
}

export async function openProject(path?: string): Promise<void> {
  const chosen = path ?? (await chooseFolder('openProject'));
  if (!chosen) return;
  if (await studio.call(studio.api.openProject({ path: chosen }))) studio.screen = 'dataset';
}

export async function newProject(path?: string): Promise<void> {
  const chosen = path ?? (await chooseFolder('newProject'));
  if (!chosen) return;
  if (await studio.call(studio.api.createProject({ path: chosen }))) studio.screen = 'dataset';
}

/** Starts a run with the project's preset and the Train screen's options. */
export async function startTraining(): Promise<void> {
  const project = studio.project;
  if (!project?.dataset) {
    studio.notice = { kind: 'error', text: 'Import a dataset before training.' };
    studio.screen = 'dataset';
    return;
  }
  const { epochs, seed, checkpointEverySteps, previewSeconds } = studio.trainOptions;
  studio.screen = 'train';
  studio.notice = null;
  await studio.call(
    studio.api.startTraining({
      options: {
        preset: project.project.preset,
        params: project.project.params,
        epochs,
        seed,
        checkpointEverySteps,
        sampleIntervalMs: Math.max(100, Math.round(previewSeconds * 1000)),
      },
    }),
  );
}

export async function togglePause(): Promise<void> {
  const { status } = studio.training;
  if (status === 'running') await studio.call(studio.api.pauseTraining());
  else if (status === 'paused') await studio.call(studio.api.resumeTraining());
}

export async function stopTraining(): Promise<void> {
  if (studio.trainingActive) await studio.call(studio.api.stopTraining());
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
