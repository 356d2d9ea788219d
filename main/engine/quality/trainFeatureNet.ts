import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/datasetCache.js';
import { mixSeed, seededRandom } from '../../../shared/random.js';
import { buildFeatureNet, type FeatureNetSpec } from './featureNet.js';
import { imagesTensor, pickImages } from './pixels.js';

const BATCH = 64;
const LEARNING_RATE = 1e-3;
/** Images seen in training, spread over 2 to 10 epochs: enough for ~95% on digits, a few seconds here. */
const IMAGES_SEEN = 40_000;
const MIN_EPOCHS = 2;
const MAX_EPOCHS = 10;
const PROGRESS_EVERY_MS = 250;

export interface FeatureTrainingHooks {
  onProgress?(done: number, total: number): void;
  /** Awaited between batches: resolves at once, or when a paused run is resumed (or stopped). */
  whilePaused?(): Promise<void>;
  /** Checked between batches; true ends training early and trainFeatureNet returns null. */
  shouldStop?(): boolean;
}

/** Steps and epochs for a training set of `count` images. */
export function featureTrainingPlan(count: number): { epochs: number; stepsPerEpoch: number; steps: number } {
  const stepsPerEpoch = Math.max(1, Math.floor(count / BATCH));
  const epochs = Math.min(MAX_EPOCHS, Math.max(MIN_EPOCHS, Math.ceil(IMAGES_SEEN / count)));
  return { epochs, stepsPerEpoch, steps: epochs * stepsPerEpoch };
}

/**
 * Trains the feature network on the images at `indices` (Adam, seeded init and shuffles):
 * cross-entropy on the labels for the classifier, squared error against the pooled image for the
 * autoencoder. Yields to the event loop between batches so pause/stop messages get through.
 * Returns the feature model, or null when stopped.
 */
export async function trainFeatureNet(dataset: Dataset, indices: Uint32Array, spec: FeatureNetSpec, seed: number, hooks: FeatureTrainingHooks = {}): Promise<tf.LayersModel | null> {
  const { features, training, pool } = buildFeatureNet(spec, seed);
  const optimizer = tf.train.adam(LEARNING_RATE);
  const { image } = spec;
  const imageSize = image.height * image.width * image.channels;
  const batchSize = Math.min(BATCH, indices.length);
  const plan = featureTrainingPlan(indices.length);
  const order = Uint32Array.from(indices);
  // Named explicitly: by default Adam would reach for every variable in the process, the GAN's included.
  const variables = training.trainableWeights.map((w) => w.read() as tf.Variable);
  let lastReport = 0;
  try {
    for (let step = 0; step < plan.steps; step++) {
      if (step % plan.stepsPerEpoch === 0) shuffle(order, seededRandom(mixSeed(seed, 0x5ed, step / plan.stepsPerEpoch)));
      const at = (step % plan.stepsPerEpoch) * batchSize;
      const batch = order.subarray(at, at + batchSize);
      const pixels = pickImages(dataset.images, imageSize, batch);
      const labels = Int32Array.from(batch, (i) => dataset.labels[i]);
      const loss = optimizer.minimize(() => {
        const x = imagesTensor(pixels, image, 0, batch.length);
        const out = training.apply(x, { training: true }) as tf.Tensor;
        if (spec.kind === 'classifier') return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), spec.classes), out) as tf.Scalar;
        const target = pool > 1 ? tf.avgPool(x, pool, pool, 'valid') : x;
        return tf.losses.meanSquaredError(target, out) as tf.Scalar;
      }, true, variables);
      loss?.dispose();
      const now = Date.now();
      if (now - lastReport >= PROGRESS_EVERY_MS || step === plan.steps - 1) {
        lastReport = now;
        hooks.onProgress?.(step + 1, plan.steps);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
      await hooks.whilePaused?.();
      if (hooks.shouldStop?.()) {
        features.dispose();
        return null;
      }
    }
    return features;
  } finally {
    optimizer.dispose();
    // The training model shares its layers with `features`; only the autoencoder's decoder is its own.
    for (const layer of training.layers) if (!features.layers.includes(layer)) for (const w of layer.weights) w.dispose();
  }
}

function shuffle(order: Uint32Array, random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}
