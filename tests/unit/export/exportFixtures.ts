import * as tf from '@tensorflow/tfjs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PresetId } from '../../../shared/presets.js';
import { importBuiltin } from '../../../main/data/builtins/index.js';
import { initBackend } from '../../../main/engine/backend/initBackend.js';
import { readLayersModel, writeLayersModel } from '../../../main/engine/checkpoint/generatorFiles.js';
import { encodeNamedTensors, readNamedTensors } from '../../../main/engine/checkpoint/weightsFile.js';
import { runTraining } from '../../../main/engine/training/runTraining.js';
import { findCheckpoint } from '../../../main/project/findCheckpoint.js';
import { ensureProject } from '../../../main/project/project.js';

/** The backend that trains the test checkpoints; exports are then run on other runtimes. */
export const TRAINING_BACKEND = 'wasm';

export interface PresetCase {
  preset: PresetId;
  size: number;
  channels: 'gray' | 'rgb';
  params: Record<string, unknown>;
}

/**
 * One small case per preset, between them: gray and colour, 16 px (4 -> 8 -> 16) and 28 px
 * (7 -> 14 -> 28, the odd start of the transposed convolutions).
 */
export const presetCases: PresetCase[] = [
  { preset: 'mlp', size: 16, channels: 'gray', params: { batchSize: 16, hiddenUnits: [32, 64] } },
  { preset: 'cgan', size: 16, channels: 'rgb', params: { batchSize: 16, hiddenUnits: [32, 64] } },
  { preset: 'dcgan', size: 16, channels: 'rgb', params: { batchSize: 16, baseFilters: 8 } },
  { preset: 'cdcgan', size: 28, channels: 'gray', params: { batchSize: 16, baseFilters: 8 } },
];

export interface TrainedCase {
  project: string;
  checkpointDir: string;
  cleanup(): Promise<void>;
}

/** A project with the built-in shapes (4 classes) and a checkpoint after a few training steps. */
export async function trainCase(c: PresetCase, steps = 6): Promise<TrainedCase> {
  const project = await mkdtemp(join(tmpdir(), `gan-export-${c.preset}-`));
  await ensureProject(project, `export ${c.preset}`);
  await importBuiltin('shapes', project, { size: c.size, channels: c.channels, count: 64 });
  const end = await runTraining(
    { projectDir: project, options: { preset: c.preset, params: c.params, epochs: 100, maxSteps: steps, seed: 7, backend: TRAINING_BACKEND } },
    () => {},
  );
  if (end.type !== 'finished') throw new Error(`Training the ${c.preset} fixture failed: ${JSON.stringify(end)}`);
  const found = await findCheckpoint(project);
  return { project, checkpointDir: found.dir, cleanup: () => rm(project, { recursive: true, force: true }) };
}

/**
 * A copy of a checkpoint whose generator has large random weights and batch-norm statistics far
 * from 0 and 1. A few training steps leave outputs near 0, where a wrong transpose or a missing
 * fold would still look close; these weights spread the images over the whole [-1, 1] range.
 */
export async function scrambledCopy(checkpointDir: string, into: string, seed: number): Promise<string> {
  await initBackend(TRAINING_BACKEND);
  await cp(checkpointDir, into, { recursive: true });
  const model = await readLayersModel(join(into, 'generator'));
  const weights = model.weights.map((w, i) => scrambledWeight(w.originalName, w.shape as number[], seed + i));
  model.setWeights(weights);
  await rm(join(into, 'generator'), { recursive: true });
  await writeLayersModel(model, join(into, 'generator'));
  tf.dispose(weights);
  model.dispose();
  return into;
}

/** A large random value for a weight of this name and shape (batch-norm statistics and scales kept plausible). */
function scrambledWeight(name: string, shape: number[], seed: number): tf.Tensor {
  if (name.endsWith('moving_variance')) return tf.randomUniform(shape, 0.3, 3, 'float32', seed);
  if (name.endsWith('gamma')) return tf.randomUniform(shape, 0.5, 2, 'float32', seed);
  const fanIn = shape.length > 1 ? shape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
  const std = name.endsWith('embeddings') || shape.length === 1 ? 0.5 : 1.5 / Math.sqrt(fanIn);
  return tf.randomNormal(shape, 0, std, 'float32', seed);
}

/**
 * Scrambles, in place, a checkpoint's weight file pair `<name>.json/.bin` (discriminator,
 * generator-trained) as scrambledCopy does generator/; fixed tables (the one-hot class planes) stay.
 */
export async function scrambleTensors(checkpointDir: string, name: string, seed: number): Promise<void> {
  const saved = await readNamedTensors(join(checkpointDir, `${name}.json`), join(checkpointDir, `${name}.bin`));
  const scrambled = saved.map((w, i) => ({ name: w.name, tensor: w.name.includes('onehot') ? w.tensor : scrambledWeight(w.name, w.tensor.shape, seed + i) }));
  const { spec, data } = await encodeNamedTensors(scrambled);
  await writeFile(join(checkpointDir, `${name}.json`), spec);
  await writeFile(join(checkpointDir, `${name}.bin`), data);
  tf.dispose([...saved, ...scrambled].map((w) => w.tensor));
}

/** Largest absolute difference between two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

export function std(values: ArrayLike<number>): number {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    sq += values[i] * values[i];
  }
  const mean = sum / values.length;
  return Math.sqrt(Math.max(0, sq / values.length - mean * mean));
}
