/**
 * D's advice to G, pixel by pixel: the gradient of D's verdict (its logit: higher is "real") with
 * respect to the images it judges. On generated images it is the direction G is pushed; on real
 * ones, what D looks at. Shown as a signed heat map laid out like the sample grid.
 */
import * as tf from '@tensorflow/tfjs';
import type { SampleGrid } from '../../../shared/training.js';
import type { GanModels } from '../models/imageShape.js';
import { composeGrid } from './grid.js';

/** d(D's logit)/d(images) in inference mode (batch norm's moving statistics, no dropout): [N, H, W, C]. */
export function discriminatorGradient(models: Pick<GanModels, 'discriminator' | 'conditional'>, images: tf.Tensor4D, classes?: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const verdict = (x: tf.Tensor) => tf.sum(models.discriminator.apply(models.conditional ? [x, classes!] : [x], { training: false }) as tf.Tensor);
    return tf.grad(verdict)(images) as tf.Tensor4D;
  });
}

/**
 * The gradient as a heat map, one cell per image: red where D wants the pixel brighter, blue where
 * darker, black where it does not care. Each image is scaled by its own largest value (with a
 * square root, so weaker advice still shows), since the sizes of gradients differ widely.
 */
export async function adviceHeatGrid(gradient: tf.Tensor4D, rows: number, cols: number): Promise<SampleGrid> {
  const [n, height, width] = gradient.shape;
  const perPixel = tf.tidy(() => tf.sum(gradient, 3));
  const values = await perPixel.data();
  perPixel.dispose();
  const pixels = new Uint8Array(n * height * width * 3);
  const cell = height * width;
  for (let i = 0; i < n; i++) {
    let max = 0;
    for (let p = i * cell; p < (i + 1) * cell; p++) max = Math.max(max, Math.abs(values[p]));
    for (let p = i * cell; p < (i + 1) * cell; p++) {
      const v = max > 0 ? values[p] / max : 0;
      const level = Math.round(Math.sqrt(Math.abs(v)) * 255);
      pixels[p * 3] = v > 0 ? level : 0;
      pixels[p * 3 + 1] = Math.round(level * 0.25);
      pixels[p * 3 + 2] = v < 0 ? level : 0;
    }
  }
  return composeGrid(pixels, { height, width, channels: 3 }, rows, cols);
}
