import * as tf from '@tensorflow/tfjs';
import type { Augmentation } from '../../../shared/recipes.js';
import { seededRandom } from '../../../shared/random.js';

/**
 * DiffAugment (Zhao et al. 2020): the same kinds of random, differentiable transforms applied to
 * every image D sees, real and fake, in D's and G's updates alike, so D cannot memorise a small
 * dataset and G is not taught the transforms (they are undone by being applied to both halves).
 * Transforms follow the paper's reference code: colour (brightness, saturation, contrast),
 * translation by up to 1/8 of the image with zero fill, cutout of a half-size square. Every draw
 * is a function of `seed`, per image. The index and mask buffers are filled in place and copied
 * into their tensors (the pure-JS backend would otherwise keep the live buffer as a tensor's data).
 */
export class DiffAugment {
  private readonly pixels: number;
  private readonly indices: Int32Array;
  private readonly mask: Float32Array;

  constructor(
    private readonly policy: readonly Augmentation[],
    private readonly batch: number,
    private readonly height: number,
    private readonly width: number,
  ) {
    this.pixels = height * width;
    this.indices = new Int32Array(batch * this.pixels);
    this.mask = new Float32Array(batch * this.pixels);
  }

  /** The augmented batch; differentiable with respect to `images`. */
  apply(images: tf.Tensor4D, seed: number): tf.Tensor4D {
    if (images.shape[0] !== this.batch) throw new Error(`DiffAugment was made for batches of ${this.batch}, got ${images.shape[0]}`);
    const random = seededRandom(seed);
    return tf.tidy(() => {
      let x = images;
      for (const kind of this.policy) {
        if (kind === 'color') x = this.color(x, random);
        else if (kind === 'translation') x = this.translate(x, random);
        else x = this.cutout(x, random);
      }
      return x;
    });
  }

  private perImage(random: () => number, f: (r: number) => number): tf.Tensor4D {
    return tf.tensor4d(Float32Array.from({ length: this.batch }, () => f(random())), [this.batch, 1, 1, 1]);
  }

  private color(x: tf.Tensor4D, random: () => number): tf.Tensor4D {
    const brightness = tf.add(x, this.perImage(random, (r) => r - 0.5));
    const channelMean = tf.mean(brightness, 3, true);
    const saturation = tf.add(tf.mul(tf.sub(brightness, channelMean), this.perImage(random, (r) => r * 2)), channelMean);
    const imageMean = tf.mean(saturation, [1, 2, 3], true);
    return tf.add(tf.mul(tf.sub(saturation, imageMean), this.perImage(random, (r) => r + 0.5)), imageMean) as tf.Tensor4D;
  }

  /** Shifts each image by whole pixels, filling with zeros (a one-pixel zero border is gathered from). */
  private translate(x: tf.Tensor4D, random: () => number): tf.Tensor4D {
    const { batch, height: h, width: w, indices } = this;
    const channels = x.shape[3];
    const maxY = Math.floor(h * 0.125 + 0.5);
    const maxX = Math.floor(w * 0.125 + 0.5);
    const paddedH = h + 2;
    const paddedW = w + 2;
    const clamp = (v: number, hi: number) => (v < 0 ? 0 : v > hi ? hi : v);
    for (let n = 0; n < batch; n++) {
      const dy = Math.floor(random() * (2 * maxY + 1)) - maxY;
      const dx = Math.floor(random() * (2 * maxX + 1)) - maxX;
      for (let y = 0; y < h; y++) {
        const row = n * paddedH * paddedW + clamp(y + dy + 1, h + 1) * paddedW;
        for (let c = 0; c < w; c++) indices[(n * h + y) * w + c] = row + clamp(c + dx + 1, w + 1);
      }
    }
    const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]).reshape([batch * paddedH * paddedW, channels]);
    return tf.gather(padded, tf.tensor1d(indices.slice(), 'int32')).reshape([batch, h, w, channels]) as tf.Tensor4D;
  }

  /** Zeroes one square of half the image's size per image, anywhere (clipped at the borders). */
  private cutout(x: tf.Tensor4D, random: () => number): tf.Tensor4D {
    const { batch, height: h, width: w, mask } = this;
    const sizeY = Math.floor(h * 0.5 + 0.5);
    const sizeX = Math.floor(w * 0.5 + 0.5);
    mask.fill(1);
    for (let n = 0; n < batch; n++) {
      const top = Math.floor(random() * (h + (1 - (sizeY % 2)))) - Math.floor(sizeY / 2);
      const left = Math.floor(random() * (w + (1 - (sizeX % 2)))) - Math.floor(sizeX / 2);
      for (let y = Math.max(0, top); y < Math.min(h, top + sizeY); y++) {
        for (let c = Math.max(0, left); c < Math.min(w, left + sizeX); c++) mask[(n * h + y) * w + c] = 0;
      }
    }
    return tf.mul(x, tf.tensor4d(mask.slice(), [batch, h, w, 1])) as tf.Tensor4D;
  }
}
