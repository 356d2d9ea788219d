import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../support/testBackend.js';
import { openDataset, type Dataset } from '../../../main/data/datasetCache.js';
import { resolveParams } from '../../../main/engine/models/buildModels.js';
import { generatePixels } from '../../../main/engine/samples/generate.js';
import { Trainer } from '../../../main/engine/training/trainer.js';
import { tinyProject } from '../support/tinyProject.js';

/** Per-pixel mean and standard deviation over a set of uint8 images. */
function pixelStats(pixels: Uint8Array, count: number, size: number) {
  const mean = new Float64Array(size);
  const std = new Float64Array(size);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < size; j++) {
      const v = pixels[i * size + j];
      mean[j] += v;
      std[j] += v * v;
    }
  }
  for (let j = 0; j < size; j++) {
    mean[j] /= count;
    std[j] = Math.sqrt(Math.max(0, std[j] / count - mean[j] ** 2));
  }
  return { mean, std };
}

const rmse = (a: Float64Array, b: Float64Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length);

/**
 * How far generated images are from the data, in grey levels: the RMS difference of the
 * per-pixel mean image plus that of the per-pixel spread. Shapes are bright figures on black,
 * so an untrained generator (mid-grey noise everywhere) is ~110 away on the mean alone.
 */
async function distanceToData(trainer: Trainer, dataset: Dataset): Promise<number> {
  const { height, width, channels } = dataset.manifest;
  const size = height * width * channels;
  const n = 256;
  const real = pixelStats(dataset.images, n, size);
  const noise = tf.randomNormal([n, trainer.models.noiseSize], 0, 1, 'float32', 11) as tf.Tensor2D;
  const fake = pixelStats(await generatePixels(trainer.models, noise), n, size);
  noise.dispose();
  return rmse(fake.mean, real.mean) + rmse(fake.std, real.std);
}

/** The check both generators face: within 60 grey levels of the data on mean + spread. */
const LOOKS_LIKE_THE_DATA = 60;

test('a short mlp run moves generated shapes toward the data; the untrained generator does not pass', async () => {
  await useTestBackend();
  const project = await tinyProject({ size: 16, count: 1024, channels: 'gray' });
  try {
    const dataset = await openDataset(project.dir);
    const trainer = new Trainer({ preset: 'mlp', params: resolveParams('mlp', { hiddenUnits: [128, 256] }), dataset, seed: 3 });
    const untrained = await distanceToData(trainer, dataset);
    for (let s = 0; s < 300; s++) trainer.trainStep();
    const trained = await distanceToData(trainer, dataset);
    console.log(`distance to the data: untrained ${untrained.toFixed(1)}, after 300 steps ${trained.toFixed(1)}`);
    trainer.dispose();
    assert.ok(untrained > LOOKS_LIKE_THE_DATA, `untrained generator is ${untrained.toFixed(1)} from the data`);
    assert.ok(trained < LOOKS_LIKE_THE_DATA, `trained generator is ${trained.toFixed(1)} from the data (untrained ${untrained.toFixed(1)})`);
    assert.ok(trained < untrained / 2, `training should at least halve the distance: ${untrained.toFixed(1)} -> ${trained.toFixed(1)}`);
  } finally {
    await project.cleanup();
  }
});
