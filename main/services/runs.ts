import type { ParsedRequestOf } from '../../shared/contract.js';
import type { ImportedGenerator } from '../../shared/handoff.js';
import type { CheckpointEvaluation, RunQualityFile } from '../../shared/quality.js';
import type { SampleGrid } from '../../shared/training.js';
import { readRunQuality } from '../engine/quality/runQualityFile.js';
import { readCheckpointGrid } from '../engine/samples/grid.js';
import type { Studio } from './studio.js';

/** The sample grid a checkpoint saved when it was written. */
export function checkpointSamples(studio: Studio, { runId, checkpointId }: ParsedRequestOf<'getCheckpointSamples'>): Promise<SampleGrid> {
  return readCheckpointGrid(studio.project.checkpointDir(runId, checkpointId));
}

/** A fresh grid from a checkpoint's generator at `seed`, drawn in the tensor worker. */
export function sampleCheckpoint(studio: Studio, { runId, checkpointId, seed }: ParsedRequestOf<'sampleCheckpoint'>): Promise<SampleGrid> {
  return studio.tensors.sample({ checkpointDir: studio.project.checkpointDir(runId, checkpointId), seed });
}

export function runQuality(studio: Studio, { runId }: ParsedRequestOf<'getRunQuality'>): Promise<RunQualityFile | null> {
  return readRunQuality(studio.project.runDir(runId));
}

/** A generator .onnx (the PyTorch job's, or an ONNX export) made a run of the open project, in the tensor worker. */
export async function importGenerator(studio: Studio, { path }: ParsedRequestOf<'importGenerator'>): Promise<ImportedGenerator> {
  const projectDir = studio.project.require();
  const onnxFile = studio.access.check(path, 'Import generator');
  studio.ensureIdle('import a generator');
  const imported = await studio.tensors.importGenerator({ projectDir, onnxFile });
  studio.project.changed();
  return imported;
}

/** Measures a checkpoint on demand and stores the measures with it. */
export function measureCheckpoint(studio: Studio, { runId, checkpointId }: ParsedRequestOf<'measureCheckpoint'>): Promise<CheckpointEvaluation> {
  const projectDir = studio.project.require();
  // The training process may be writing the feature network cache and uses every core: measuring waits for it.
  studio.ensureIdle('measure a checkpoint');
  return studio.measures.run({ projectDir, runId, checkpointId });
}
