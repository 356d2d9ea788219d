import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { adversarialLosses } from '../../../main/engine/training/losses.js';
import { gradientPenalty, r1Penalty } from '../../../main/engine/training/penalties.js';
import { powerIteration } from '../../../main/engine/models/spectralNorm.js';
import { DiffAugment } from '../../../main/engine/training/diffAugment.js';
import { GeneratorAverage } from '../../../main/engine/training/generatorAverage.js';
import { useTestBackend } from '../support/testBackend.js';

/** The recipes' arithmetic against their formulas, on numbers small enough to work out by hand. */
before(async () => {
  await useTestBackend();
});

const value = (t: tf.Tensor) => t.dataSync()[0];
const close = (actual: number, expected: number, tolerance = 1e-5, what = '') => assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what} ${actual} != ${expected}`);

test('hinge, least-squares, Wasserstein and BCE losses match their formulas', () => {
  const real = tf.tensor1d([2, 0.5, -1]);
  const fake = tf.tensor1d([-2, 0, 1.5]);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const r = [2, 0.5, -1];
  const f = [-2, 0, 1.5];
  const relu = (x: number) => Math.max(0, x);
  close(value(adversarialLosses.hinge.discriminator(real, fake, 1)), mean(r.map((x) => relu(1 - x))) + mean(f.map((x) => relu(1 + x))), 1e-6, 'hinge D');
  close(value(adversarialLosses.hinge.generator(fake)), -mean(f), 1e-6, 'hinge G');
  close(value(adversarialLosses.lsgan.discriminator(real, fake, 0.9)), 0.5 * mean(r.map((x) => (x - 0.9) ** 2)) + 0.5 * mean(f.map((x) => x * x)), 1e-6, 'LS D');
  close(value(adversarialLosses.lsgan.generator(fake)), 0.5 * mean(f.map((x) => (x - 1) ** 2)), 1e-6, 'LS G');
  close(value(adversarialLosses['wgan-gp'].discriminator(real, fake, 1)), mean(f) - mean(r), 1e-6, 'W D');
  close(value(adversarialLosses['wgan-gp'].generator(fake)), -mean(f), 1e-6, 'W G');
  const softplus = (x: number) => Math.log1p(Math.exp(x));
  close(value(adversarialLosses.bce.discriminator(real, fake, 1)), mean(r.map((x) => softplus(-x))) + mean(f.map((x) => softplus(x))), 1e-6, 'BCE D');
  close(value(adversarialLosses.bce.generator(fake)), mean(f.map((x) => softplus(-x))), 1e-6, 'BCE G');
});

/** A linear critic D(x) = w·x + b: its gradient is w at every image, so both penalties are known in closed form. */
test('the WGAN gradient penalty and R1 equal a hand computation on a linear critic, and their gradients reach its weights', () => {
  const w = tf.variable(tf.tensor4d([0.3, -0.4, 1.2, 0.5], [1, 2, 2, 1]));
  const critic = (x: tf.Tensor4D) => tf.add(tf.sum(tf.mul(x, w), [1, 2, 3]), 0.7);
  const real = tf.tensor4d([1, 2, 3, 4, -1, 0, 1, 0], [2, 2, 2, 1]);
  const fake = tf.tensor4d([0, 0, 1, 1, 2, 2, 2, 2], [2, 2, 2, 1]);
  const mix = tf.tensor1d([0.25, 0.9]);
  const norm = Math.hypot(0.3, -0.4, 1.2, 0.5);
  close(value(gradientPenalty(critic, real, fake, mix, 10)), 10 * (norm - 1) ** 2, 1e-5, 'GP');
  close(value(r1Penalty(critic, real, 4)), (4 / 2) * norm ** 2, 1e-5, 'R1');
  // d/dw λ(‖w‖-1)² = 2λ(‖w‖-1)·w/‖w‖ and d/dw γ/2‖w‖² = γw: the penalty trains D, through a gradient of a gradient.
  const { grads } = tf.variableGrads(() => gradientPenalty(critic, real, fake, mix, 10), [w]);
  const expected = [0.3, -0.4, 1.2, 0.5].map((x) => 2 * 10 * (norm - 1) * (x / norm));
  Array.from(grads[w.name].dataSync()).forEach((g, i) => close(g, expected[i], 1e-4, `dGP/dw[${i}]`));
  const r1 = tf.variableGrads(() => r1Penalty(critic, real, 4), [w]);
  Array.from(r1.grads[w.name].dataSync()).forEach((g, i) => close(g, 4 * [0.3, -0.4, 1.2, 0.5][i], 1e-4, `dR1/dw[${i}]`));
});

test('R1 on a quadratic critic D(x) = a·Σx² is γ/2 · mean of 4a²‖x‖²', () => {
  const critic = (x: tf.Tensor4D) => tf.mul(tf.sum(tf.square(x), [1, 2, 3]), 0.5);
  const real = tf.tensor4d([1, 2, 0, 0, 3, 0, 0, 4], [2, 2, 2, 1]);
  // a = 0.5: gradient x, so ‖∇‖² = ‖x‖² = 5 and 25.
  close(value(r1Penalty(critic, real, 2)), (2 / 2) * ((5 + 25) / 2), 1e-5, 'R1');
});

test("spectral norm's power iteration converges to the largest singular value of a known matrix", () => {
  // M = U·diag(5, 2, 0.5)·Vᵀ with U, V rotations: its largest singular value is 5.
  const c = Math.cos(0.7);
  const s = Math.sin(0.7);
  const u = tf.tensor2d([c, -s, 0, s, c, 0, 0, 0, 1], [3, 3]);
  const v = tf.tensor2d([1, 0, 0, 0, c, s, 0, -s, c], [3, 3]);
  const m = tf.matMul(tf.matMul(u, tf.diag(tf.tensor1d([5, 2, 0.5]))), v, false, true) as tf.Tensor2D;
  let vector = tf.tensor1d([0.1, 1, 0.3]);
  let sigma = 0;
  const estimates: number[] = [];
  for (let i = 0; i < 30; i++) {
    const step = powerIteration(m, vector);
    vector = step.u;
    sigma = value(step.sigma);
    estimates.push(sigma);
  }
  close(sigma, 5, 1e-4, 'sigma');
  assert.ok(estimates[0] < 5 + 1e-4 && estimates[0] < estimates[29], `the estimate rises towards σ from below: ${estimates.slice(0, 4).join(', ')}`);
});

test('the moving average of G follows avg = β·avg + (1-β)·w with β ramping up to the decay', () => {
  const input = tf.input({ shape: [2] });
  const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'ones' }).apply(input) as tf.SymbolicTensor });
  const average = new GeneratorAverage(model, 0.99);
  const kernel = model.weights[0];
  let expected = [1, 1];
  for (let step = 1; step <= 20; step++) {
    kernel.write(tf.tensor2d([[step], [-step]]));
    average.update(step);
    const beta = Math.min(0.99, (1 + step) / (10 + step));
    assert.equal(GeneratorAverage.beta(0.99, step), beta);
    expected = [beta * expected[0] + (1 - beta) * step, beta * expected[1] - (1 - beta) * step];
  }
  const got = Array.from(average.generator.weights[0].read().dataSync());
  close(got[0], expected[0], 1e-5, 'avg[0]');
  close(got[1], expected[1], 1e-5, 'avg[1]');
  assert.equal(GeneratorAverage.beta(0.99, 100000), 0.99);
  average.dispose();
});

test('DiffAugment: one seed, one transform; cutout blanks a half-size square; translation moves the picture; gradients reach the images', () => {
  const batch = 4;
  const size = 8;
  const augment = new DiffAugment(['translation', 'cutout'], batch, size, size);
  const ones = tf.ones([batch, size, size, 1]) as tf.Tensor4D;
  const a = augment.apply(ones, 7).dataSync();
  assert.deepEqual(Array.from(augment.apply(ones, 7).dataSync()), Array.from(a), 'the same seed gives the same transform');
  assert.notDeepEqual(Array.from(augment.apply(ones, 8).dataSync()), Array.from(a), 'another seed another transform');
  const cut = new DiffAugment(['cutout'], batch, size, size).apply(ones, 3).dataSync();
  for (let n = 0; n < batch; n++) {
    const zeros = Array.from(cut.slice(n * 64, (n + 1) * 64)).filter((x) => x === 0).length;
    assert.ok(zeros > 0 && zeros <= 16, `image ${n}: a 4x4 square at most (clipped at the border), got ${zeros} zeros`);
  }
  // One bright pixel in the middle: after translation it is somewhere within 1/8 of the size, still one pixel.
  const dot = tf.tidy(() => tf.oneHot(tf.tensor1d([27, 27, 27, 27], 'int32'), 64).reshape([batch, size, size, 1])) as tf.Tensor4D;
  const moved = new DiffAugment(['translation'], batch, size, size).apply(dot, 11).arraySync() as number[][][][];
  const offsets = moved.map((image) => {
    const flat = image.flat(2);
    assert.equal(flat.filter((x) => x === 1).length, 1, 'the dot survives a shift of at most one pixel');
    const at = flat.indexOf(1);
    return [Math.floor(at / size) - 3, (at % size) - 3];
  });
  for (const [dy, dx] of offsets) assert.ok(Math.abs(dy) <= 1 && Math.abs(dx) <= 1);
  assert.ok(offsets.some(([dy, dx]) => dy !== 0 || dx !== 0), 'some image moved');
  // Gradients flow through every transform: G learns through D's view of augmented fakes.
  const full = new DiffAugment(['color', 'translation', 'cutout'], batch, size, size);
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const grad = tf.grad((images: tf.Tensor) => tf.sum(tf.square(full.apply(images as tf.Tensor4D, 5))))(x);
  assert.ok(value(tf.sum(tf.abs(grad))) > 0);
  // Colour: each image gets its own brightness, so a flat grey batch comes out in different greys.
  const grey = new DiffAugment(['color'], batch, size, size).apply(tf.zeros([batch, size, size, 3]) as tf.Tensor4D, 2).dataSync();
  const levels = new Set([0, 1, 2, 3].map((n) => grey[n * size * size * 3].toFixed(4)));
  assert.equal(levels.size, batch);
});
