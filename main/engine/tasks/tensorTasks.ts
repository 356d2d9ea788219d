import * as tf from '@tensorflow/tfjs';
import type { LayerRow, ModelDescription } from '../../../shared/contract.js';
import type { ExploreResults, ExploreView } from '../../../shared/explore.js';
import type { ExportProgress, ExportResult } from '../../../shared/export.js';
import type { ImportedGenerator } from '../../../shared/handoff.js';
import type { CheckpointEvaluation } from '../../../shared/quality.js';
import type { TensorJobOf } from '../../../shared/tensorJobs.js';
import type { BackendName, SampleGrid } from '../../../shared/training.js';
import { initBackend } from '../backend/initBackend.js';
import { exploreCheckpoint } from '../explore/exploreViews.js';
import { exportCheckpoint } from '../export/index.js';
import { importGenerator } from '../import/importGenerator.js';
import { evaluateCheckpoint } from '../quality/evaluateCheckpoint.js';
import { buildModels, resolveParams } from '../models/buildModels.js';
import { sampleCheckpointGrid } from '../samples/sampleGrid.js';

let fastest: Promise<BackendName> | null = null;

/**
 * The fastest backend that loads, for running generators. Found once; later calls switch back
 * to it, since describing a model switches to the pure-JS backend (it only builds layers, and
 * that backend starts at once where the others take seconds to load).
 */
async function useFastest(): Promise<void> {
  fastest ??= initBackend().then(
    (info) => info.name,
    () => initBackend('cpu').then((info) => info.name),
  );
  await initBackend(await fastest);
}

/** G and D of a preset for this dataset's image shape, layer by layer with output shapes; the models are freed after. */
export async function describeModel(job: TensorJobOf<'describe'>): Promise<ModelDescription> {
  await initBackend('cpu');
  const params = resolveParams(job.preset, job.params);
  const models = buildModels(job.preset, params, job.shape, 1);
  try {
    const generator = models.generator.layers.map(layerRow);
    const discriminator = models.discriminator.layers.map(layerRow);
    return {
      generator,
      discriminator,
      generatorParams: models.generator.countParams(),
      discriminatorParams: models.discriminator.countParams(),
      image: { ...job.shape },
    };
  } finally {
    models.generator.dispose();
    models.discriminator.dispose();
  }
}

/** A fresh grid from a checkpoint's generator, laid out like the training preview (a row per class when conditional). */
export async function sampleCheckpoint(job: TensorJobOf<'sample'>): Promise<SampleGrid> {
  await useFastest();
  return sampleCheckpointGrid(job.checkpointDir, job.seed);
}

/** An export of a checkpoint's generator (engine/export), reporting progress and stopping on `signal`. */
export async function exportGenerator(
  job: TensorJobOf<'export'>,
  onProgress: (progress: ExportProgress) => void,
  signal: AbortSignal,
): Promise<ExportResult> {
  await useFastest();
  return exportCheckpoint(job.checkpointDir, job.format, job.outDir, { ...job.options, onProgress, signal });
}

/**
 * Every quality measure of one checkpoint, stored with it (at the sample seed training uses, so
 * the numbers line up with measured checkpoints). The first call on a dataset trains its feature
 * network, which is the part that reports progress.
 */
export async function measureCheckpoint(
  job: TensorJobOf<'measure'>,
  onProgress: (progress: ExportProgress) => void,
): Promise<CheckpointEvaluation> {
  await useFastest();
  onProgress({ stage: 'Preparing the feature network', done: 0, total: 0 });
  return evaluateCheckpoint(
    job.projectDir,
    { runId: job.runId, checkpointId: job.checkpointId },
    { save: true, onProgress: (done, total) => onProgress({ stage: 'Training the feature network', done, total }) },
  );
}

/** A generator .onnx made a run of the project (engine/import). */
export async function importOnnxGenerator(job: TensorJobOf<'importGenerator'>): Promise<ImportedGenerator> {
  await useFastest();
  return importGenerator(job.onnxFile, job.projectDir);
}

/** One latent explorer view of a checkpoint (engine/explore). */
export async function exploreGenerator(job: TensorJobOf<'explore'>): Promise<ExploreResults[ExploreView]> {
  await useFastest();
  return exploreCheckpoint(job.checkpointDir, job.projectDir, job.request);
}

function layerRow(layer: tf.layers.Layer): LayerRow {
  const shape = layer.outputShape;
  // Layers with several outputs are not used by the presets; the first one stands for them.
  const first = (Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[];
  return {
    name: layer.name,
    kind: layer.getClassName(),
    outputShape: first.slice(1).map((d) => d ?? -1),
    params: layer.countParams(),
  };
}
