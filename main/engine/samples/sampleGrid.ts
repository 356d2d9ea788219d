/**
 * The fixed-noise sample grid: the noise a run's previews are drawn from, and the grid a generator
 * draws from it (during training, from a checkpoint on demand). grid.ts lays it out and stores it.
 */
import * as tf from '@tensorflow/tfjs';
import { mixSeed } from '../../../shared/random.js';
import type { SampleGrid } from '../../../shared/training.js';
import { openGenerator } from '../checkpoint/openGenerator.js';
import type { GanModels } from '../models/imageShape.js';
import { generatePixels } from './generate.js';
import { composeGrid } from './grid.js';

const FIXED_NOISE_SEED = 0xf1ed;
const GRID_COLUMNS = 8;
const MAX_GRID_ROWS = 10;

export interface FixedNoise {
  noise: tf.Tensor2D;
  /** Class ids, one per noise row, for conditional presets. */
  classes?: tf.Tensor2D;
  rows: number;
  cols: number;
}

/**
 * The noise batch the sample grid is drawn from for a whole run. Conditional presets get one row
 * per class with the same noise down each column, so a column shows one "style" in every class.
 */
export function fixedNoise(models: Pick<GanModels, 'conditional' | 'noiseSize' | 'shape'>, seed: number): FixedNoise {
  const cols = GRID_COLUMNS;
  return tf.tidy(() => {
    if (!models.conditional) {
      const noise = tf.randomNormal([cols * cols, models.noiseSize], 0, 1, 'float32', mixSeed(seed, FIXED_NOISE_SEED)) as tf.Tensor2D;
      return { noise, rows: cols, cols, classes: undefined };
    }
    const rows = Math.min(models.shape.classes, MAX_GRID_ROWS);
    const column = tf.randomNormal([cols, models.noiseSize], 0, 1, 'float32', mixSeed(seed, FIXED_NOISE_SEED));
    const noise = tf.tile(column, [rows, 1]) as tf.Tensor2D;
    const classes = tf.tensor2d(Float32Array.from({ length: rows * cols }, (_, i) => Math.floor(i / cols)), [rows * cols, 1]);
    return { noise, rows, cols, classes };
  });
}

export function disposeFixedNoise(fixed: FixedNoise): void {
  fixed.noise.dispose();
  fixed.classes?.dispose();
}

/** The generator's images of `fixed`, laid out as the grid (a row per class when conditional). */
export async function drawGrid(models: Pick<GanModels, 'generator' | 'conditional' | 'shape'>, fixed: FixedNoise): Promise<SampleGrid> {
  const pixels = await generatePixels(models, fixed.noise, fixed.classes);
  return composeGrid(pixels, models.shape, fixed.rows, fixed.cols);
}

/** A fresh grid from a checkpoint's generator at `seed`, laid out like the training preview. */
export async function sampleCheckpointGrid(checkpointDir: string, seed: number): Promise<SampleGrid> {
  const { models } = await openGenerator(checkpointDir);
  const fixed = fixedNoise(models, seed);
  try {
    return await drawGrid(models, fixed);
  } finally {
    disposeFixedNoise(fixed);
    models.generator.dispose();
  }
}
