import * as tf from '@tensorflow/tfjs';
import type { TrainedGenerator } from '../checkpoint/openGenerator.js';
import { mixSeed } from '../../../shared/random.js';
import { generatePixels } from '../samples/generate.js';
import { labelsLike } from './classMeasures.js';
import type { FeatureSpace } from './featureSpace.js';
import type { SampleSet } from './measureSamples.js';

/** The sample seed of training-time measurements; `gan-studio evaluate` uses it too, so it reproduces them. */
export const DEFAULT_SAMPLE_SEED = 1;
const BATCH = 250;
/** Convolutional generators get fewer samples on big images so a checkpoint is measured in seconds. */
const CONV_PIXEL_BUDGET = 1_500_000;
const MIN_CONV_SAMPLES = 250;
const MAX_SAMPLES = 1000;

/**
 * How many images to draw per measurement: as many as there are held-out real images (up to
 * 1000), fewer for convolutional generators on big images. A pure function of the dataset and
 * preset, so every checkpoint of a run, and a later `evaluate`, use the same number: the
 * distances depend on it, and are only comparable at equal counts.
 */
export function sampleCount(space: Pick<FeatureSpace, 'image' | 'baseline'>, convolutional: boolean): number {
  const { height, width, channels } = space.image;
  const cap = convolutional ? Math.max(MIN_CONV_SAMPLES, Math.round(CONV_PIXEL_BUDGET / (height * width * channels))) : MAX_SAMPLES;
  return Math.min(cap, MAX_SAMPLES, space.baseline.count);
}

/**
 * Draws `count` images from a generator with seeded noise; a conditional generator is asked for
 * classes in the dataset's own mix, so its samples compare like for like with the real images.
 */
export async function drawSamples(models: TrainedGenerator, space: Pick<FeatureSpace, 'classCounts'>, count: number, seed = DEFAULT_SAMPLE_SEED): Promise<SampleSet> {
  const { height, width, channels } = models.shape;
  const imageSize = height * width * channels;
  const images = new Uint8Array(count * imageSize);
  const requested = models.conditional ? labelsLike(space.classCounts, count) : undefined;
  for (let first = 0; first < count; first += BATCH) {
    const n = Math.min(BATCH, count - first);
    const noise = tf.randomNormal([n, models.noiseSize], 0, 1, 'float32', mixSeed(seed, 0x9a11, first)) as tf.Tensor2D;
    const classes = requested ? tf.tensor2d(Float32Array.from(requested.subarray(first, first + n)), [n, 1]) : undefined;
    try {
      images.set(await generatePixels(models, noise, classes), first * imageSize);
    } finally {
      tf.dispose([noise, classes ?? []]);
    }
  }
  return { images, count, requested };
}

/** Held-out real images as a sample set of the same size; their true classes stand in for requested ones. */
export function realSamples(space: Pick<FeatureSpace, 'baseline' | 'image'>, count: number, conditional: boolean): SampleSet {
  const { height, width, channels } = space.image;
  return {
    images: space.baseline.images.subarray(0, count * height * width * channels),
    count,
    requested: conditional ? space.baseline.labels.subarray(0, count) : undefined,
  };
}
