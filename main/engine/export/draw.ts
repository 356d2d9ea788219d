import * as tf from '@tensorflow/tfjs';
import type { TrainedGenerator } from '../checkpoint/openGenerator.js';
import { mixSeed } from '../../../shared/random.js';
import { generatePixels } from '../samples/generate.js';

/** Images generated per call: enough to keep the backend busy, small enough for big images. */
export const DRAW_BATCH = 32;

/** `count` noise vectors from N(0, 1), a pure function of (seed, stream). */
export function seededNoise(seed: number, stream: number, count: number, size: number): Float32Array {
  const noise = tf.randomNormal([count, size], 0, 1, 'float32', mixSeed(seed, stream));
  try {
    return Float32Array.from(noise.dataSync() as Float32Array);
  } finally {
    noise.dispose();
  }
}

/** Pixels (uint8, N x H x W x C) for N noise rows and, for conditional generators, N class ids. */
export async function drawPixels(models: TrainedGenerator, noise: Float32Array, classIds: number[] | undefined, count: number): Promise<Uint8Array> {
  const z = tf.tensor2d(noise, [count, models.noiseSize]);
  const labels = models.conditional ? tf.tensor2d(Float32Array.from(classIds ?? [], Number), [count, 1]) : undefined;
  try {
    return await generatePixels(models, z, labels);
  } finally {
    tf.dispose([z, labels ?? []]);
  }
}
