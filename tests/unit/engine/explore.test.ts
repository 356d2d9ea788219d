import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gridCell, type ExploreRequest, type ExploreResults } from '../../../shared/explore.js';
import type { SampleGrid } from '../../../shared/training.js';
import { openDataset } from '../../../main/data/datasetCache.js';
import { initBackend } from '../../../main/engine/backend/initBackend.js';
import { openGenerator } from '../../../main/engine/checkpoint/openGenerator.js';
import { principalDirections } from '../../../main/engine/explore/directions.js';
import { exploreCheckpoint } from '../../../main/engine/explore/exploreViews.js';
import { nearestReal } from '../../../main/engine/explore/nearestReal.js';
import { explorePicks, noiseBatch, truncate } from '../../../main/engine/explore/picks.js';
import { generatePixels } from '../../../main/engine/samples/generate.js';
import { presetCases, scrambledCopy, trainCase, TRAINING_BACKEND, type TrainedCase } from '../export/exportFixtures.js';
import { tinyProject } from '../support/tinyProject.js';

/**
 * The latent explorer's views against the generator itself: every image a view shows is compared,
 * pixel for pixel, with the generator run directly on the noise (and class) the view promises.
 * Generators have scrambled weights so different noise draws visibly different images.
 */
const cases = new Map<string, TrainedCase & { scrambled: string }>();

before(async () => {
  for (const preset of ['mlp', 'cgan', 'cdcgan'] as const) {
    const c = await trainCase(presetCases.find((p) => p.preset === preset)!, 2);
    cases.set(preset, { ...c, scrambled: await scrambledCopy(c.checkpointDir, join(c.project, 'scrambled'), 11) });
  }
  await initBackend(TRAINING_BACKEND);
});

after(async () => {
  for (const c of cases.values()) await c.cleanup();
});

const explore = <R extends ExploreRequest>(preset: string, request: R): Promise<ExploreResults[R['view']]> => {
  const c = cases.get(preset)!;
  return exploreCheckpoint(c.scrambled, c.project, request);
};

/** The generator's own image of one noise vector (and class), as a one-cell grid. */
async function direct(preset: string, noise: Float32Array, classId?: number): Promise<SampleGrid> {
  const { models } = await openGenerator(cases.get(preset)!.scrambled);
  const z = noiseBatch([noise]);
  const label = classId === undefined ? undefined : tf.tensor2d([classId], [1, 1]);
  try {
    const pixels = await generatePixels(models, z, label);
    const { height, width, channels } = models.shape;
    const rgba = new Uint8Array(height * width * 4);
    for (let i = 0; i < height * width; i++) {
      for (let k = 0; k < 3; k++) rgba[i * 4 + k] = pixels[i * channels + (channels === 1 ? 0 : k)];
      rgba[i * 4 + 3] = 255;
    }
    return { width, height, rows: 1, cols: 1, rgba };
  } finally {
    tf.dispose([z, label ?? []]);
    models.generator.dispose();
  }
}

const same = (a: SampleGrid, b: SampleGrid) => a.width === b.width && a.height === b.height && Buffer.from(a.rgba).equals(Buffer.from(b.rgba));
/** Every fixture preset uses the default noise size. */
const NOISE = 100;

test('a walk starts and ends at the two chosen samples, pixel for pixel, and passes through others', async () => {
  for (const preset of ['mlp', 'cdcgan']) {
    const psi = 0.8;
    const walk = await explore(preset, { view: 'walk', seed: 5, psi, classId: preset === 'cdcgan' ? 1 : undefined, from: 3, to: 9, steps: 7 });
    const picks = explorePicks(5, NOISE);
    const classId = preset === 'cdcgan' ? 1 : undefined;
    assert.equal(walk.rows * walk.cols, 7);
    const first = gridCell(walk, 0);
    const last = gridCell(walk, 6);
    assert.ok(same(first, await direct(preset, truncate(picks[3], psi), classId)), `${preset}: the first frame is sample 3`);
    assert.ok(same(last, await direct(preset, truncate(picks[9], psi), classId)), `${preset}: the last frame is sample 9`);
    const middle = gridCell(walk, 3);
    assert.ok(!same(middle, first) && !same(middle, last), `${preset}: the middle frame is neither end`);
  }
});

test('truncation ψ = 0 draws the mean-noise image in every cell; ψ = 1 draws the samples themselves', async () => {
  for (const preset of ['mlp', 'cgan']) {
    const mean = await direct(preset, new Float32Array(NOISE), preset === 'cgan' ? 0 : undefined);
    const truncated = await explore(preset, { view: 'samples', seed: 2, psi: 0, count: 16 });
    for (let i = 0; i < 16; i++) assert.ok(same(gridCell(truncated, i), mean), `${preset}: cell ${i} is the mean-noise image`);
    const full = await explore(preset, { view: 'samples', seed: 2, psi: 1, count: 16 });
    assert.ok(!same(gridCell(full, 0), mean));
    assert.ok(same(gridCell(full, 5), await direct(preset, explorePicks(2, NOISE)[5], preset === 'cgan' ? 0 : undefined)));
  }
});

test('the same noise across classes: row r, column c is sample c drawn in class r', async () => {
  const grid = await explore('cgan', { view: 'classes', seed: 4, psi: 1, count: 3 });
  assert.equal(grid.rows, 4, 'a row per class of the shapes');
  assert.equal(grid.cols, 3);
  const picks = explorePicks(4, NOISE);
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) assert.ok(same(gridCell(grid, r * grid.cols + c), await direct('cgan', picks[c], r)), `class ${r}, sample ${c}`);
  }
  assert.ok(!same(gridCell(grid, 0), gridCell(grid, 1)), 'columns hold different noise');
  await assert.rejects(explore('mlp', { view: 'classes', seed: 4, psi: 1, count: 3 }), /not conditional/);
});

test('a class morph starts at one class and ends at the other for the same noise', async () => {
  for (const preset of ['cgan', 'cdcgan']) {
    const morph = await explore(preset, { view: 'morph', seed: 6, psi: 1, pick: 2, from: 0, to: 3, steps: 5 });
    const z = explorePicks(6, NOISE)[2];
    assert.ok(same(gridCell(morph, 0), await direct(preset, z, 0)), `${preset}: starts in class 0`);
    assert.ok(same(gridCell(morph, 4), await direct(preset, z, 3)), `${preset}: ends in class 3`);
    assert.ok(!same(gridCell(morph, 2), gridCell(morph, 0)));
  }
  await assert.rejects(explore('cgan', { view: 'morph', seed: 6, psi: 1, pick: 2, from: 0, to: 9, steps: 5 }), /no class 9/);
});

test('directions: principal ones are orthonormal and ordered by how much the first layer stretches them; strips pass through the sample', async () => {
  const { models } = await openGenerator(cases.get('mlp')!.scrambled);
  try {
    const dirs = principalDirections(models.generator, NOISE, 3);
    const kernel = models.generator.layers.find((l) => l.getClassName() === 'Dense')!.getWeights()[0];
    const stretch = dirs.map((d) => tf.tidy(() => tf.norm(tf.matMul(tf.tensor2d(d, [1, NOISE]), kernel.slice([0, 0], [NOISE, kernel.shape[1]!]))).dataSync()[0]));
    assert.ok(stretch[0] >= stretch[1] && stretch[1] >= stretch[2], `stretches ${stretch}`);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);
    assert.ok(Math.abs(dot(dirs[0], dirs[0]) - 1) < 1e-4 && Math.abs(dot(dirs[0], dirs[1])) < 1e-4);
  } finally {
    models.generator.dispose();
  }
  for (const kind of ['principal', 'random'] as const) {
    const result = await explore('mlp', { view: 'directions', seed: 1, psi: 1, pick: 4, kind, count: 3, steps: 5, span: 3, offsets: [0, 0, 0] });
    const sample = await direct('mlp', explorePicks(1, NOISE)[4]);
    assert.equal(result.strips.rows, 3);
    for (let d = 0; d < 3; d++) assert.ok(same(gridCell(result.strips, d * 5 + 2), sample), `${kind}: the middle of strip ${d} is the sample`);
    assert.ok(same(result.moved, sample), `${kind}: no offsets leave the sample where it is`);
    const moved = await explore('mlp', { view: 'directions', seed: 1, psi: 1, pick: 4, kind, count: 3, steps: 5, span: 3, offsets: [3] });
    assert.ok(same(moved.moved, gridCell(result.strips, 4)), `${kind}: offset 3 along the first direction is the end of its strip`);
  }
});

test('nearest real images: a copy of a dataset image finds that image first, by pixels and by features', async () => {
  // The feature network needs at least 400 images.
  const project = await tinyProject({ size: 16, count: 420, channels: 'gray' });
  try {
    const dataset = await openDataset(project.dir);
    const size = 16 * 16;
    const at = 137;
    const copy = dataset.images.slice(at * size, (at + 1) * size);
    const found = await nearestReal(project.dir, dataset, copy, 5);
    assert.equal(found.pixel.distances[0], 0);
    assert.deepEqual(dataset.images.subarray(found.pixel.indices[0] * size, (found.pixel.indices[0] + 1) * size), copy);
    assert.equal(found.pixel.indices.length, 5);
    assert.ok(found.pixel.distances.every((d, i) => i === 0 || d >= found.pixel.distances[i - 1]), 'nearest first');
    assert.ok(!('unavailable' in found.feature), 'the feature network is trained for 420 images');
    if (!('unavailable' in found.feature)) {
      assert.equal(found.feature.distances[0], 0);
      assert.deepEqual(dataset.images.subarray(found.feature.indices[0] * size, (found.feature.indices[0] + 1) * size), copy);
    }
    const small = cases.get('mlp')!;
    const few = await nearestReal(small.project, await openDataset(small.project), copy, 3);
    assert.match('unavailable' in few.feature ? few.feature.unavailable : '', /at least 400 images/);
  } finally {
    await project.cleanup();
  }
});
