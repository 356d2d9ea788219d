import * as tf from '@tensorflow/tfjs';
import type { ConvParams } from '../../../shared/presets.js';
import type { GanModels, ImageShape } from './imageShape.js';
import { generatorInput } from './classInput.js';
import type { InitSeeds } from './seeds.js';
import { SpectralConv2D, SpectralDense } from './spectralNorm.js';

/**
 * How many stride-2 layers take the smallest feature map (4 to 7 pixels) to the image size:
 * 28 -> 7 x 2^2, 32 -> 4 x 2^3, 64 -> 4 x 2^4, 128 -> 4 x 2^5.
 */
export function upsamplingPlan(size: number): { start: number; layers: number } {
  let start = size;
  let layers = 0;
  while (start % 2 === 0 && start / 2 >= 4) {
    start /= 2;
    layers++;
  }
  if (layers === 0) {
    throw new Error(`The convolutional presets need an image size that halves at least once to 4 or more pixels (e.g. 28, 32, 64, 128); got ${size}`);
  }
  return { start, layers };
}

/**
 * DCGAN after Radford et al.: strided (transposed) convolutions, no pooling, batch norm,
 * ReLU in G with tanh output, LeakyReLU in D, N(0, 0.02) weights. Conditional (cDCGAN):
 * a class embedding joins z in G, and D sees the one-hot class as extra image planes.
 * D drops its batch norm under spectral normalization (as in Miyato et al.) and under WGAN-GP,
 * whose penalty is defined per image (Gulrajani et al. leave normalization out of the critic).
 */
export function buildDcgan(shape: ImageShape, params: ConvParams, conditional: boolean, initSeeds: InitSeeds): GanModels {
  if (shape.height !== shape.width) {
    throw new Error(`The convolutional presets need square images; got ${shape.width}x${shape.height}`);
  }
  const { start, layers } = upsamplingPlan(shape.height);
  const init = () => tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: initSeeds.next() });
  const batchNorm = (name: string) =>
    tf.layers.batchNormalization({
      name,
      momentum: 0.9,
      epsilon: 1e-5,
      gammaInitializer: tf.initializers.randomNormal({ mean: 1, stddev: 0.02, seed: initSeeds.next() }),
    });
  const filtersAt = (level: number) => params.baseFilters * 2 ** level;

  // Generator. Its class embedding is one dim per class: wider (as in the MLP preset) it
  // outweighed the noise here and each class collapsed to one image.
  const { inputs: gInputs, joined } = generatorInput(params.noiseSize, conditional ? { classes: shape.classes, dims: shape.classes } : null, initSeeds);
  let g = joined;
  const f0 = filtersAt(layers - 1);
  g = tf.layers.dense({ units: start * start * f0, useBias: false, kernelInitializer: init(), name: 'g_project' }).apply(g) as tf.SymbolicTensor;
  g = batchNorm('g_bn0').apply(g) as tf.SymbolicTensor;
  g = tf.layers.reLU({ name: 'g_relu0' }).apply(g) as tf.SymbolicTensor;
  g = tf.layers.reshape({ targetShape: [start, start, f0], name: 'g_reshape' }).apply(g) as tf.SymbolicTensor;
  for (let i = 1; i < layers; i++) {
    g = tf.layers
      .conv2dTranspose({ filters: filtersAt(layers - 1 - i), kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: init(), name: `g_deconv${i}` })
      .apply(g) as tf.SymbolicTensor;
    g = batchNorm(`g_bn${i}`).apply(g) as tf.SymbolicTensor;
    g = tf.layers.reLU({ name: `g_relu${i}` }).apply(g) as tf.SymbolicTensor;
  }
  const image = tf.layers
    .conv2dTranspose({ filters: shape.channels, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh', kernelInitializer: init(), name: 'g_image' })
    .apply(g) as tf.SymbolicTensor;
  const generator = tf.model({ inputs: gInputs, outputs: image, name: 'generator' });

  // Discriminator
  const x = tf.input({ shape: [shape.height, shape.width, shape.channels], name: 'image' });
  const dLabel = conditional ? tf.input({ shape: [1], name: 'class' }) : null;
  let d: tf.SymbolicTensor = x;
  if (dLabel) {
    // One constant plane per class, 1 for the asked class and 0 elsewhere (the one-hot label filled
    // over the image, as common cDCGAN code does): every position of D's first layer sees the label,
    // where a learned H*W pattern had to be decoded by the convolutions first.
    const oneHot = tf.layers.embedding({
      inputDim: shape.classes,
      outputDim: shape.classes,
      embeddingsInitializer: tf.initializers.identity({ gain: 1 }),
      trainable: false,
      name: 'd_class_onehot',
    }).apply(dLabel) as tf.SymbolicTensor;
    let plane = tf.layers.reshape({ targetShape: [1, 1, shape.classes], name: 'd_class_pixel' }).apply(oneHot) as tf.SymbolicTensor;
    plane = tf.layers.upSampling2d({ size: [shape.height, shape.width], name: 'd_class_planes' }).apply(plane) as tf.SymbolicTensor;
    d = tf.layers.concatenate({ name: 'd_join' }).apply([x, plane]) as tf.SymbolicTensor;
  }
  const dBatchNorm = !params.spectralNorm && params.loss !== 'wgan-gp';
  for (let i = 0; i < layers; i++) {
    const withNorm = dBatchNorm && i > 0;
    const conv = { units: filtersAt(i), useBias: !withNorm, name: `d_conv${i + 1}` };
    const layer = params.spectralNorm
      ? new SpectralConv2D({ ...conv, kernelInitializer: init(), seed: initSeeds.next() }, 4, 2)
      : tf.layers.conv2d({ filters: conv.units, kernelSize: 4, strides: 2, padding: 'same', useBias: conv.useBias, kernelInitializer: init(), name: conv.name });
    d = layer.apply(d) as tf.SymbolicTensor;
    if (withNorm) d = batchNorm(`d_bn${i}`).apply(d) as tf.SymbolicTensor;
    d = tf.layers.leakyReLU({ alpha: params.leak, name: `d_lrelu${i + 1}` }).apply(d) as tf.SymbolicTensor;
  }
  d = tf.layers.flatten({ name: 'd_flat' }).apply(d) as tf.SymbolicTensor;
  const logit = (
    params.spectralNorm
      ? new SpectralDense({ name: 'd_logit', units: 1, useBias: true, kernelInitializer: init(), seed: initSeeds.next() })
      : tf.layers.dense({ units: 1, kernelInitializer: init(), name: 'd_logit' })
  ).apply(d) as tf.SymbolicTensor;
  const discriminator = tf.model({ inputs: dLabel ? [x, dLabel] : [x], outputs: logit, name: 'discriminator' });

  return { generator, discriminator, conditional, noiseSize: params.noiseSize, shape };
}
