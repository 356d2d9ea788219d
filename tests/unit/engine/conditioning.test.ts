import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../support/testBackend.js';
import { openDataset, type Dataset } from '../../../main/data/datasetCache.js';
import { resolveParams } from '../../../main/engine/models/buildModels.js';
import type { GanModels } from '../../../main/engine/models/imageShape.js';
import { generatePixels } from '../../../main/engine/samples/generate.js';
import { Trainer } from '../../../main/engine/training/trainer.js';
import { tinyProject } from '../support/tinyProject.js';

/** Mean grey level of each class's images: the shapes differ in area (circle > square > cross > triangle). */
function realClassBrightness(dataset: Dataset, classes: number): number[] {
  const { height, width, channels, count } = dataset.manifest;
  const size = height * width * channels;
  const sums = new Array<number>(classes).fill(0);
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let p = 0; p < size; p++) s += dataset.images[i * size + p];
    sums[dataset.labels[i]] += s / size;
    counts[dataset.labels[i]]++;
  }
  return sums.map((s, k) => s / counts[k]);
}

/**
 * Mean grey level of generated images per requested class, with the same noise batch for every
 * class: a generator that ignores its class input draws identical images and scores equal means.
 */
async function generatedClassBrightness(models: GanModels, classes: number): Promise<number[]> {
  const n = 128;
  const noise = tf.randomNormal([n, models.noiseSize], 0, 1, 'float32', 11) as tf.Tensor2D;
  const means: number[] = [];
  for (let k = 0; k < classes; k++) {
    const requested = tf.fill([n, 1], k) as tf.Tensor2D;
    const pixels = await generatePixels(models, noise, requested);
    requested.dispose();
    means.push(pixels.reduce((a, b) => a + b, 0) / pixels.length);
  }
  noise.dispose();
  return means;
}

/**
 * How well the generated per-class brightness follows the real one: the share of class pairs
 * whose generated difference has the sign of the real difference and at least a quarter of its
 * size. Equal means (class ignored) score 0; a faithful generator scores 1.
 */
function agreement(generated: number[], real: number[]): number {
  let pairs = 0;
  let agree = 0;
  for (let a = 0; a < real.length; a++) {
    for (let b = a + 1; b < real.length; b++) {
      pairs++;
      const want = real[a] - real[b];
      const got = generated[a] - generated[b];
      if (Math.sign(got) === Math.sign(want) && Math.abs(got) >= Math.abs(want) / 4) agree++;
    }
  }
  return agree / pairs;
}

const STEPS = 300;

/**
 * Five of the six class pairs must agree: the closest pair (cross and triangle, about 3 grey levels
 * apart) may still be off after so few steps, while the class-ignoring control agrees on none.
 */
const cases = [
  { preset: 'cgan', params: { hiddenUnits: [128, 256] } },
  { preset: 'cdcgan', params: { baseFilters: 16 } },
] as const;

for (const { preset, params } of cases) {
  test(`a short ${preset} run draws the class it is asked for; a generator that ignores the class does not pass`, async () => {
    await useTestBackend();
    const project = await tinyProject({ size: 16, count: 1024, channels: 'gray' });
    try {
      const dataset = await openDataset(project.dir);
      const classes = dataset.manifest.classes.length;
      const real = realClassBrightness(dataset, classes);
      const trainer = new Trainer({ preset, params: resolveParams(preset, params), dataset, seed: 3 });
      const started = Date.now();
      for (let s = 0; s < STEPS; s++) trainer.trainStep();
      const trained = await generatedClassBrightness(trainer.models, classes);
      const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' ');
      console.log(`${preset} per-class brightness: real ${fmt(real)}; generated after ${STEPS} steps ${fmt(trained)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      // The control: the same trained generator with its class input pinned to one class.
      const pinned = await generatedClassBrightness({ ...trainer.models, generator: classIgnoring(trainer.models) }, classes);
      trainer.dispose();
      assert.equal(agreement(pinned, real), 0, `a class-ignoring generator must fail the check: ${fmt(pinned)}`);
      assert.ok(agreement(trained, real) >= 5 / 6, `generated per-class brightness ${fmt(trained)} should follow the real ${fmt(real)}`);
    } finally {
      await project.cleanup();
    }
  });
}

/** The trained generator with every requested class replaced by class 0, as if the label never reached it. */
function classIgnoring(models: GanModels): tf.LayersModel {
  const { generator } = models;
  return {
    predict: (inputs: tf.Tensor[], config?: tf.ModelPredictConfig) => generator.predict([inputs[0], tf.zerosLike(inputs[1])], config),
  } as unknown as tf.LayersModel;
}
