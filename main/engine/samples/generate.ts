import * as tf from '@tensorflow/tfjs';
import type { GanModels } from '../models/imageShape.js';

/** Generator output in [-1, 1] mapped to uint8 pixels: round((x + 1) * 127.5), clipped. */
export function toPixels(images: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.clipByValue(tf.round(tf.mul(tf.add(images, 1), 127.5)), 0, 255));
}

/** Runs the generator in inference mode (batch norm uses its moving statistics). */
export function generate(models: Pick<GanModels, 'generator' | 'conditional'>, noise: tf.Tensor2D, classes?: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const inputs = models.conditional ? [noise, classes ?? tf.zeros([noise.shape[0], 1])] : [noise];
    return models.generator.predict(inputs, { batchSize: noise.shape[0] }) as tf.Tensor4D;
  });
}

/** Generates images and reads them back as uint8 pixels (N x H x W x C). */
export async function generatePixels(models: Pick<GanModels, 'generator' | 'conditional'>, noise: tf.Tensor2D, classes?: tf.Tensor2D): Promise<Uint8Array> {
  const pixels = tf.tidy(() => toPixels(generate(models, noise, classes)));
  try {
    return Uint8Array.from(await pixels.data());
  } finally {
    pixels.dispose();
  }
}
