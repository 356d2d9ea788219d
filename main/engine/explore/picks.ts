import * as tf from '@tensorflow/tfjs';
import { EXPLORE_PICKS } from '../../../shared/explore.js';
import { mixSeed } from '../../../shared/random.js';

/** Mixed into the seed so the explorer's picks are not the training preview's fixed noise. */
const PICKS_SEED = 0xe4a1;

/**
 * The explorer's noise: EXPLORE_PICKS draws of N(0, I) from `seed`, always all of them, so pick i
 * is the same vector whichever view or count asks for it. Row i is pick i.
 */
export function explorePicks(seed: number, noiseSize: number): Float32Array[] {
  const all = tf.tidy(() => tf.randomNormal([EXPLORE_PICKS, noiseSize], 0, 1, 'float32', mixSeed(seed, PICKS_SEED)).dataSync() as Float32Array);
  return Array.from({ length: EXPLORE_PICKS }, (_, i) => all.slice(i * noiseSize, (i + 1) * noiseSize));
}

/** Truncation towards the prior's mean (0): z' = mean + psi (z - mean) = psi z. */
export const truncate = (z: Float32Array, psi: number): Float32Array => z.map((v) => psi * v);

/** Noise vectors as one [count, noiseSize] batch. */
export function noiseBatch(rows: Float32Array[]): tf.Tensor2D {
  const size = rows[0]?.length ?? 0;
  const data = new Float32Array(rows.length * size);
  rows.forEach((r, i) => data.set(r, i * size));
  return tf.tensor2d(data, [rows.length, size]);
}
