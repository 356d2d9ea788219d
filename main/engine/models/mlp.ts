import * as tf from '@tensorflow/tfjs';
import type { MlpParams } from '../../../shared/presets.js';
import type { GanModels, ImageShape } from './imageShape.js';
import { classEmbeddingSize } from './imageShape.js';
import { embedClass, generatorInput } from './classInput.js';
import { SeededDropout } from './seededDropout.js';
import { SpectralDense } from './spectralNorm.js';
import type { InitSeeds, StepSeeds } from './seeds.js';

/**
 * The vanilla GAN of Goodfellow et al. as in the classic PyTorch MNIST tutorial:
 * G: z -> 256 -> 512 -> 1024 -> H*W*C (tanh); D mirrors it with LeakyReLU 0.2 and dropout 0.3.
 * Conditional (Mirza & Osindero): a learned class embedding joins z in G and the image in D.
 * The embedding is as wide as `classEmbeddingSize` and starts N(0, 1) (PyTorch's default, as in the
 * common cGAN code) so the label weighs about as much as the noise and the pixels it joins; with
 * `classes` dims at Keras's ±0.05 it was a few hundredths beside 100 N(0, 1) noise dims (or 256+
 * pixels in D), and on shapes G drew the same image whatever class was asked.
 */
export function buildMlpGan(
  shape: ImageShape,
  params: MlpParams,
  conditional: boolean,
  initSeeds: InitSeeds,
  dropoutSeeds: StepSeeds,
): GanModels {
  const pixels = shape.height * shape.width * shape.channels;
  const dense = (units: number, name: string, activation?: 'tanh') =>
    tf.layers.dense({
      units,
      name,
      activation,
      kernelInitializer: tf.initializers.glorotUniform({ seed: initSeeds.next() }),
    });
  const labelDims = classEmbeddingSize(shape.classes);
  // Generator
  const { inputs: gInputs, joined } = generatorInput(params.noiseSize, conditional ? { classes: shape.classes, dims: labelDims } : null, initSeeds);
  let g = joined;
  params.hiddenUnits.forEach((units, i) => {
    g = dense(units, `g_dense${i + 1}`).apply(g) as tf.SymbolicTensor;
    g = tf.layers.leakyReLU({ alpha: params.leak, name: `g_lrelu${i + 1}` }).apply(g) as tf.SymbolicTensor;
  });
  g = dense(pixels, 'g_out', 'tanh').apply(g) as tf.SymbolicTensor;
  const image = tf.layers
    .reshape({ targetShape: [shape.height, shape.width, shape.channels], name: 'g_image' })
    .apply(g) as tf.SymbolicTensor;
  const generator = tf.model({ inputs: gInputs, outputs: image, name: 'generator' });

  // Discriminator
  const x = tf.input({ shape: [shape.height, shape.width, shape.channels], name: 'image' });
  const dLabel = conditional ? tf.input({ shape: [1], name: 'class' }) : null;
  let d = tf.layers.flatten({ name: 'd_flat' }).apply(x) as tf.SymbolicTensor;
  if (dLabel) {
    const e = embedClass(dLabel, shape.classes, labelDims, 'd', initSeeds);
    d = tf.layers.concatenate({ name: 'd_join' }).apply([d, e]) as tf.SymbolicTensor;
  }
  // Spectral normalization (when chosen) on every weight layer of D.
  const dDense = (units: number, name: string) =>
    params.spectralNorm
      ? new SpectralDense({ name, units, useBias: true, kernelInitializer: tf.initializers.glorotUniform({ seed: initSeeds.next() }), seed: initSeeds.next() })
      : dense(units, name);
  [...params.hiddenUnits].reverse().forEach((units, i) => {
    d = dDense(units, `d_dense${i + 1}`).apply(d) as tf.SymbolicTensor;
    d = tf.layers.leakyReLU({ alpha: params.leak, name: `d_lrelu${i + 1}` }).apply(d) as tf.SymbolicTensor;
    d = new SeededDropout({ rate: params.dropout, name: `d_dropout${i + 1}` }, dropoutSeeds).apply(d) as tf.SymbolicTensor;
  });
  const logit = dDense(1, 'd_logit').apply(d) as tf.SymbolicTensor;
  const discriminator = tf.model({ inputs: dLabel ? [x, dLabel] : [x], outputs: logit, name: 'discriminator' });

  return { generator, discriminator, conditional, noiseSize: params.noiseSize, shape };
}
