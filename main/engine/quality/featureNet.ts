import * as tf from '@tensorflow/tfjs';
import type { FeatureNetKind } from '../../../shared/quality.js';
import { mixSeed } from '../../../shared/random.js';

/** Length of the feature vector every measure works in. */
export const FEATURE_DIM = 64;
/** Images are average-pooled to at most this side first: enough for the measures, and cheap at any import size. */
const MAX_SIDE = 32;

export interface FeatureNetSpec {
  kind: FeatureNetKind;
  image: { height: number; width: number; channels: number };
  /** Number of classes the classifier tells apart; 0 for the autoencoder. */
  classes: number;
}

export interface FeatureNetModels {
  /** image in [-1, 1] -> [features] (autoencoder) or [features, class logits] (classifier); the part kept in the cache. */
  features: tf.LayersModel;
  /** image -> class logits, or image -> its reconstruction at the pooled size; trained, then dropped. */
  training: tf.LayersModel;
  /** Pooling factor applied to the input (the autoencoder's reconstruction target is pooled the same way). */
  pool: number;
}

export const poolFactor = (image: { height: number; width: number }): number => Math.max(1, Math.ceil(Math.max(image.height, image.width) / MAX_SIDE));

/**
 * A small CNN: pool to at most 32 px, two strided 3x3 convolutions (16, 32 filters), then a
 * linear 64-unit layer whose output is the feature vector. Linear rather than ReLU features are
 * closer to Gaussian, which the Fréchet distance assumes. The classifier adds ReLU and a softmax
 * layer over the dataset's classes; the autoencoder a small dense decoder back to the pooled image.
 */
export function buildFeatureNet(spec: FeatureNetSpec, seed: number): FeatureNetModels {
  let layerSeed = 0;
  const init = () => tf.initializers.glorotUniform({ seed: mixSeed(seed, 0xfea7, layerSeed++) });
  const { height, width, channels } = spec.image;
  const pool = poolFactor(spec.image);
  const input = tf.input({ shape: [height, width, channels], name: 'image' });
  let x: tf.SymbolicTensor = input;
  if (pool > 1) x = tf.layers.averagePooling2d({ poolSize: pool, strides: pool, padding: 'valid', name: 'fn_pool' }).apply(x) as tf.SymbolicTensor;
  const pooledShape = x.shape.slice(1) as [number, number, number];
  for (const [i, filters] of [16, 32].entries()) {
    x = tf.layers
      .conv2d({ filters, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(), name: `fn_conv${i + 1}` })
      .apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.flatten({ name: 'fn_flat' }).apply(x) as tf.SymbolicTensor;
  const features = tf.layers.dense({ units: FEATURE_DIM, kernelInitializer: init(), name: 'fn_features' }).apply(x) as tf.SymbolicTensor;
  const hidden = tf.layers.reLU({ name: 'fn_relu' }).apply(features) as tf.SymbolicTensor;

  if (spec.kind === 'classifier') {
    const logits = tf.layers.dense({ units: spec.classes, kernelInitializer: init(), name: 'fn_logits' }).apply(hidden) as tf.SymbolicTensor;
    return {
      features: tf.model({ inputs: input, outputs: [features, logits], name: 'feature_classifier' }),
      training: tf.model({ inputs: input, outputs: logits }),
      pool,
    };
  }
  const pixels = pooledShape.reduce((a, b) => a * b, 1);
  let y = tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: init(), name: 'fn_decode1' }).apply(hidden) as tf.SymbolicTensor;
  y = tf.layers.dense({ units: pixels, activation: 'tanh', kernelInitializer: init(), name: 'fn_decode2' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.reshape({ targetShape: pooledShape, name: 'fn_reconstruction' }).apply(y) as tf.SymbolicTensor;
  return {
    features: tf.model({ inputs: input, outputs: [features], name: 'feature_encoder' }),
    training: tf.model({ inputs: input, outputs: y }),
    pool,
  };
}
