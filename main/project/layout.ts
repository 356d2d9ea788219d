import { join } from 'node:path';
import { defaultExportFolder, type ExportFormatId } from '../../shared/export.js';

/** Where each file of a project lives (see README, "The project format"). */
export const projectLayout = (root: string) => ({
  root,
  projectFile: join(root, 'project.json'),
  datasetDir: join(root, 'dataset'),
  manifest: join(root, 'dataset', 'manifest.json'),
  images: join(root, 'dataset', 'images.u8'),
  labels: join(root, 'dataset', 'labels.u8'),
  runsDir: join(root, 'runs'),
  exportsDir: join(root, 'exports'),
  /** Where an export goes unless the user says otherwise. */
  export: (runId: string, checkpointId: string, format: ExportFormatId) => join(root, 'exports', defaultExportFolder(runId, checkpointId, format)),
  cacheDir: join(root, 'cache'),
  run: (runId: string) => runLayout(join(root, 'runs', runId)),
});

export const runLayout = (dir: string) => ({
  dir,
  runFile: join(dir, 'run.json'),
  metrics: join(dir, 'metrics.jsonl'),
  checkpointsDir: join(dir, 'checkpoints'),
  checkpoint: (id: string) => join(dir, 'checkpoints', id),
});

export type RunLayout = ReturnType<typeof runLayout>;

/** Checkpoint folders are named by step, zero-padded so they sort by name. */
export const checkpointId = (step: number): string => `step-${String(step).padStart(8, '0')}`;
