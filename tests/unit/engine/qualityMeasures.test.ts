import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestCheckpoint, measureIds, measures } from '../../../shared/quality.js';
import { classCoverage, conditionalAccuracy, labelsLike } from '../../../main/engine/quality/classMeasures.js';
import { collapseAlarm, type AlarmContext, type MeasuredCheckpoint } from '../../../main/engine/quality/collapseAlarm.js';
import { distancesFromDots, kthNeighbourDistances } from '../../../main/engine/quality/distances.js';
import { dotProducts, selfDotProducts, squaredNorms } from '../../../main/engine/quality/dotProducts.js';
import { earlyStopDue } from '../../../main/engine/quality/earlyStop.js';
import type { Features } from '../../../main/engine/quality/features.js';
import { frechetDistance } from '../../../main/engine/quality/frechetDistance.js';
import { kernelDistance } from '../../../main/engine/quality/kernelDistance.js';
import { multiply, symmetricEigen } from '../../../main/engine/quality/linearAlgebra.js';
import { NEIGHBOURS, precisionRecall } from '../../../main/engine/quality/precisionRecall.js';
import { mixSeed, seededRandom } from '../../../shared/random.js';

/** `count` points of a Gaussian with the given per-dimension means and standard deviations (Box-Muller, seeded). */
function gaussian(count: number, mean: number[], std: number[], seed: number): Features {
  const random = seededRandom(mixSeed(seed, 77));
  const dim = mean.length;
  const data = new Float64Array(count * dim);
  for (let i = 0; i < data.length; i++) {
    const u = 1 - random();
    const v = random();
    data[i] = mean[i % dim] + std[i % dim] * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return { count, dim, data };
}

/** Distances straight from the definition, to check the dot-product route against. */
function naiveDistances(a: Features, b: Features): Float64Array {
  const out = new Float64Array(a.count * b.count);
  for (let i = 0; i < a.count; i++) {
    for (let j = 0; j < b.count; j++) {
      let sum = 0;
      for (let k = 0; k < a.dim; k++) sum += (a.data[i * a.dim + k] - b.data[j * b.dim + k]) ** 2;
      out[i * b.count + j] = Math.sqrt(sum);
    }
  }
  return out;
}

function selfDistances(a: Features): Float64Array {
  const dots = selfDotProducts(a);
  const norms = squaredNorms(dots, a.count);
  return distancesFromDots(dots, norms, norms);
}

/** Precision and recall of `generated` against `real` through the same helpers the engine uses. */
function pr(real: Features, generated: Features) {
  const cross = distancesFromDots(dotProducts(generated, real), squaredNorms(selfDotProducts(generated), generated.count), squaredNorms(selfDotProducts(real), real.count));
  return precisionRecall(cross, kthNeighbourDistances(selfDistances(real), real.count, NEIGHBOURS), kthNeighbourDistances(selfDistances(generated), generated.count, NEIGHBOURS));
}

test('distances from dot products match the definition; k-th neighbour distances match a sort', () => {
  const a = gaussian(60, [0, 1, 2, 3], [1, 2, 3, 4], 12);
  const b = gaussian(40, [1, 1, 1, 1], [1, 1, 1, 1], 13);
  const fast = distancesFromDots(dotProducts(a, b), squaredNorms(selfDotProducts(a), a.count), squaredNorms(selfDotProducts(b), b.count));
  const slow = naiveDistances(a, b);
  for (let i = 0; i < fast.length; i++) assert.ok(Math.abs(fast[i] - slow[i]) < 1e-9, `pair ${i}: ${fast[i]} vs ${slow[i]}`);
  const square = naiveDistances(a, a);
  for (const k of [1, 3, 10, 59]) {
    const radii = kthNeighbourDistances(square, a.count, k);
    for (let i = 0; i < a.count; i++) {
      const sorted = [...square.subarray(i * a.count, (i + 1) * a.count)].filter((_, j) => j !== i).sort((x, y) => x - y);
      assert.equal(radii[i], sorted[k - 1], `row ${i}, k ${k}`);
    }
  }
});

test('symmetric eigen decomposition rebuilds the matrix', () => {
  const n = 6;
  const random = seededRandom(3);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) m[i * n + j] = m[j * n + i] = random() * 2 - 1;
  const { values, vectors } = symmetricEigen({ n, data: m });
  const diag = new Float64Array(n * n);
  for (let i = 0; i < n; i++) diag[i * n + i] = values[i];
  const transposed = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) transposed[i * n + j] = vectors.data[j * n + i];
  const rebuilt = multiply(multiply(vectors, { n, data: diag }), { n, data: transposed });
  for (let i = 0; i < n * n; i++) assert.ok(Math.abs(rebuilt.data[i] - m[i]) < 1e-9, `entry ${i}: ${rebuilt.data[i]} vs ${m[i]}`);
});

test('Fréchet distance matches the closed form for diagonal Gaussians and is about 0 for one distribution', () => {
  // For diagonal covariances: |mu1 - mu2|^2 + sum (s1 - s2)^2.
  const a = gaussian(4000, [0, 0, 0], [1, 2, 0.5], 1);
  const b = gaussian(4000, [1, 0, -1], [2, 1, 0.5], 2);
  const expected = 1 + 1 + (1 + 1 + 0);
  const fd = frechetDistance(a, b);
  assert.ok(Math.abs(fd - expected) < 0.25, `FD ${fd.toFixed(3)}, closed form ${expected}`);
  const same = frechetDistance(a, gaussian(4000, [0, 0, 0], [1, 2, 0.5], 3));
  assert.ok(same < 0.02, `two samples of one Gaussian: FD ${same.toFixed(4)}`);
  assert.ok(frechetDistance(a, a) < 1e-9, 'a set against itself is 0');
});

test('kernel distance is about 0 for one distribution and grows with the shift', () => {
  const a = gaussian(500, [0, 0], [1, 1], 4);
  const same = kernelDistance(a, gaussian(500, [0, 0], [1, 1], 5));
  const near = kernelDistance(a, gaussian(500, [0.5, 0], [1, 1], 6));
  const far = kernelDistance(a, gaussian(500, [2, 0], [1, 1], 7));
  assert.ok(Math.abs(same) < 0.05, `same distribution: ${same}`);
  assert.ok(near > same + 0.05 && far > near * 3, `same ${same.toFixed(3)} < near ${near.toFixed(3)} < far ${far.toFixed(3)}`);
});

test('precision and recall tell fidelity from variety', () => {
  const real = gaussian(400, [0, 0], [1, 1], 8);
  const same = pr(real, gaussian(400, [0, 0], [1, 1], 9));
  assert.ok(same.precision > 0.8 && same.recall > 0.8, JSON.stringify(same));
  // A generator that draws only a small corner of the data: faithful but not varied.
  const narrow = gaussian(400, [0.5, 0.5], [0.15, 0.15], 10);
  const corner = pr(real, narrow);
  assert.ok(corner.precision > 0.9 && corner.recall < 0.25, `narrow: ${JSON.stringify(corner)}`);
  // A generator off the data: varied but unfaithful.
  const off = gaussian(400, [6, 6], [1, 1], 11);
  const away = pr(real, off);
  assert.ok(away.precision < 0.05 && away.recall < 0.05, `off: ${JSON.stringify(away)}`);
});

test('class coverage, conditional accuracy and labels in the real mix', () => {
  assert.equal(classCoverage(Uint8Array.from([0, 1, 2, 3]), [1, 1, 1, 1]), 1);
  assert.equal(classCoverage(Uint8Array.from([2, 2, 2, 2]), [1, 1, 1, 1]), 0.25, 'one class only scores its real share');
  assert.equal(conditionalAccuracy(Uint8Array.from([0, 1, 2, 2]), Uint8Array.from([0, 1, 2, 3])), 0.75);
  const labels = labelsLike([300, 100, 0, 600], 50);
  const counts = [0, 0, 0, 0];
  for (const k of labels) counts[k]++;
  assert.deepEqual(counts, [15, 5, 0, 30]);
  assert.deepEqual([...labelsLike([1, 1], 4)], [0, 1, 0, 1], 'interleaved');
});

const at = (step: number, quality: MeasuredCheckpoint['quality']): MeasuredCheckpoint => ({ id: `step-${step}`, step, quality });

const run = (points: [number, number, number][]): MeasuredCheckpoint[] => points.map(([step, diversity, recall]) => at(step, { diversity, recall }));
const context = (overrides: Partial<AlarmContext['params']> = {}, conditional = false): AlarmContext => ({
  conditional,
  labelled: true,
  datasetSize: 2000,
  params: { loss: 'bce', emaDecay: 0.999, augment: 'off', spectralNorm: false, labelSmoothing: 0, learningRateG: 2e-4, learningRateD: 2e-4, batchSize: 64, ...overrides },
});

test('collapse alarm: never during the warm-up, whatever the numbers', () => {
  const blobs = run([[0, 0.2, 0], [50, 0.02, 0], [100, 0.02, 0], [150, 0.02, 0]]);
  assert.equal(collapseAlarm(blobs.slice(0, 3), blobs[3], context()), undefined, 'before step 200');
  const early = run([[0, 0.2, 0], [250, 0.02, 0], [500, 0.02, 0], [750, 0.02, 0]]);
  assert.equal(collapseAlarm(early.slice(0, 3), early[3], context()), undefined, 'the first three trained checkpoints');
});

test('collapse alarm: samples alike, or recall near 0 with a narrow spread, for three checkpoints after the warm-up', () => {
  const history = run([[0, 0.2, 0], [250, 0.3, 0.02], [500, 0.6, 0.2], [750, 0.08, 0.01], [1000, 0.05, 0]]);
  const alike = collapseAlarm(history, at(1250, { diversity: 0.04, recall: 0, classCoverage: 0.25 }), context({}, true));
  assert.equal(alike?.severity, 'collapsed');
  assert.match(alike!.explanation, /nearly the same images/);
  assert.match(alike!.explanation, /warm-up of 3 checkpoints and 200 steps/);
  assert.match(alike!.suggestions[0], /Resume from step-500 \(step 500, the last healthy checkpoint/, 'names the healthy checkpoint before the drop');
  assert.ok(!alike!.suggestions.some((s) => /conditional preset/.test(s)), 'never "use a conditional preset" on a conditional run');
  assert.ok(alike!.suggestions.some((s) => /DiffAugment/.test(s)), 'a small set without augmentation: augmentation');
  assert.ok(alike!.suggestions.some((s) => /hinge/.test(s)), 'the BCE loss: another loss');
  const stuck = run([[0, 0.2, 0], [250, 0.3, 0], [500, 0.3, 0], [750, 0.3, 0.01], [1000, 0.35, 0]]);
  const none = collapseAlarm(stuck, at(1250, { diversity: 0.3, recall: 0 }), context({ augment: 'on', emaDecay: 0, loss: 'hinge' }));
  assert.equal(none?.severity, 'collapsed');
  assert.match(none!.title, /cover almost none/);
  assert.match(none!.suggestions[0], /No checkpoint of this run was healthy yet/);
  assert.ok(!none!.suggestions.some((s) => /DiffAugment/.test(s)), 'augmentation is already on');
  assert.ok(none!.suggestions.some((s) => /emaDecay 0.999/.test(s)), 'EMA is off');
  assert.ok(none!.suggestions.some((s) => /spectral norm/.test(s)), 'hinge without spectral norm');
  assert.ok(none!.suggestions.some((s) => /conditional preset/.test(s)), 'an unconditional run on labelled data');
});

test('collapse alarm: a spread that keeps falling is "dropping"; a healthy run and one bad checkpoint are left alone', () => {
  const falling = run([[0, 0.2, 0], [250, 0.7, 0.3], [500, 0.9, 0.5], [750, 0.8, 0.4], [1000, 0.65, 0.3]]);
  const drop = collapseAlarm(falling, at(1250, { diversity: 0.5, recall: 0.2 }), context());
  assert.equal(drop?.severity, 'dropping');
  assert.match(drop!.suggestions[0], /Resume from step-500/);
  const healthyRun = run([[0, 0.2, 0], [250, 0.7, 0.3], [500, 0.85, 0.5], [750, 0.8, 0.55], [1000, 0.9, 0.6]]);
  assert.equal(collapseAlarm(healthyRun, at(1250, { diversity: 0.82, recall: 0.58 }), context()), undefined, 'normal wobble');
  assert.equal(collapseAlarm(healthyRun, at(1250, { diversity: 0.05, recall: 0 }), context()), undefined, 'one bad checkpoint is not yet collapse');
  assert.equal(collapseAlarm([], at(0, { diversity: 0, recall: 0 })), undefined, 'the untrained generator is not judged');
  const slow = [0, 250, 500, 750, 1000].map((step, i) => at(step, { diversity: 0.3, recall: 0, frechetDistance: 100 / (i + 1) }));
  assert.equal(collapseAlarm(slow, at(1250, { diversity: 0.3, recall: 0.01, frechetDistance: 15 }), context()), undefined, 'no recall yet but getting better: a slow start');
});

test('best checkpoint and early stopping follow the measure direction', () => {
  const runs = [at(0, { frechetDistance: 400, precision: 0 }), at(50, { frechetDistance: 30, precision: 0.7 }), at(100, { frechetDistance: 35, precision: 0.8 }), at(150, {})];
  assert.equal(bestCheckpoint(runs)?.id, 'step-50', 'lower Fréchet distance is better');
  assert.equal(bestCheckpoint(runs, 'precision')?.id, 'step-100', 'higher precision is better');
  assert.equal(bestCheckpoint([at(0, undefined)]), undefined);
  assert.equal(earlyStopDue(runs, 'frechetDistance', 2), undefined, 'one measured checkpoint since the best');
  assert.equal(earlyStopDue(runs, 'frechetDistance', 1)?.id, 'step-50');
  assert.equal(earlyStopDue([...runs, at(200, { frechetDistance: 31 })], 'frechetDistance', 2)?.value, 30);
});

test('every measure has an honest name, a direction and a two-line explanation', () => {
  for (const id of measureIds) {
    const m = measures[id];
    assert.equal(m.id, id);
    assert.ok(!/\b(FID|KID|Inception Score)\b/.test(m.label), `${id} must not be named after the Inception measures`);
    assert.equal(m.explanation.length, 2);
    assert.ok(['lower', 'higher'].includes(m.better));
  }
});
