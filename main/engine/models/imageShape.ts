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
