import { mixSeed, seededRandom } from '../../../shared/random.js';

/** Fewer images than this and the held-out sets would be too small for the measures to mean anything. */
export const MIN_IMAGES_FOR_QUALITY = 400;
/** Share of the dataset held out from the feature network for each of the two real sets, and their cap. */
const HELD_OUT_SHARE = 0.15;
const MAX_HELD_OUT = 1000;
const SPLIT_SEED = 0x9a1;

export interface QualitySplit {
  /** Images the feature network learns from. */
  train: Uint32Array;
  /** Real images every sample set is compared against. */
  reference: Uint32Array;
  /** Real images measured like a generator's samples: the score a perfect generator would get. */
  baseline: Uint32Array;
}

/**
 * Splits a dataset of `count` images the same way every time. Both real sets are kept out of the
 * feature network's training, so real and generated images are seen the same way: a network is
 * more confident, and its features tighter, on images it has learnt.
 */
export function splitForQuality(count: number): QualitySplit {
  const held = Math.min(MAX_HELD_OUT, Math.floor(count * HELD_OUT_SHARE));
  const order = Uint32Array.from({ length: count }, (_, i) => i);
  const random = seededRandom(mixSeed(SPLIT_SEED, count));
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return { reference: order.slice(0, held), baseline: order.slice(held, 2 * held), train: order.slice(2 * held) };
}
