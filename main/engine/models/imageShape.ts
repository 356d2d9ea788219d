import type * as tf from '@tensorflow/tfjs';

/** The shape of the images a GAN is built for, and how many classes condition it. */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
  /** Number of classes; conditional presets need at least 2. */
  classes: number;
}

export interface GanModels {
  /** Inputs: z [noiseSize] (and class id [1] when conditional); output: images in [-1, 1], H x W x C. */
  generator: tf.LayersModel;
  /** Inputs: image (and class id when conditional); output: one logit (sigmoid of it is D(x)). */
  discriminator: tf.LayersModel;
  conditional: boolean;
  noiseSize: number;
  shape: ImageShape;
}

/**
 * Width of the learned class embeddings of the cgan preset: 50, the label units of Mirza &
 * Osindero's discriminator, or one per class where there are more. Narrower (one dim per class,
 * 4 for shapes) the label was a sliver beside 100 noise dims and hundreds of pixels, and neither
 * network learned to use it.
 */
export const classEmbeddingSize = (classes: number): number => Math.max(50, classes);
