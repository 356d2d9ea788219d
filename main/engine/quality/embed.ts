import * as tf from '@tensorflow/tfjs';
import type { Features } from './features.js';
import { imagesTensor } from './pixels.js';

const BATCH = 250;

export interface Embedded {
  features: Features;
  /** The classifier's class for each image; absent for the autoencoder. */
  predicted?: Uint8Array;
}

/** Runs uint8 images (count x H x W x C) through the feature network in batches. */
export async function embed(net: tf.LayersModel, images: Uint8Array, image: { height: number; width: number; channels: number }, count: number): Promise<Embedded> {
  const dim = net.outputs[0].shape[1] as number;
  const classifier = net.outputs.length > 1;
  const data = new Float64Array(count * dim);
  const predicted = classifier ? new Uint8Array(count) : undefined;
  for (let first = 0; first < count; first += BATCH) {
    const n = Math.min(BATCH, count - first);
    const [features, classes] = tf.tidy(() => {
      const out = net.predict(imagesTensor(images, image, first, n), { batchSize: n });
      const [f, logits] = Array.isArray(out) ? out : [out];
      return [f, logits ? tf.argMax(logits, 1) : undefined] as const;
    });
    data.set(await features.data(), first * dim);
    if (classes && predicted) predicted.set(await classes.data(), first);
    tf.dispose([features, classes ?? []]);
  }
  return { features: { count, dim, data }, predicted };
}
