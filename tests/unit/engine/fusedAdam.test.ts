import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/engine/backend/initBackend.js';
import { FusedAdam } from '../../../main/engine/training/fusedAdam.js';
import { useTestBackend } from '../support/testBackend.js';

/** A small model's weights: a matrix, a bias, a 4-d filter, all seeded. */
function weights(seed: number): tf.Variable[] {
  return [
    tf.variable(tf.randomNormal([6, 5], 0, 1, 'float32', seed)),
    tf.variable(tf.randomNormal([5], 0, 1, 'float32', seed + 1)),
    tf.variable(tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', seed + 2)),
  ];
}

/** A loss that touches every weight non-linearly, so each gets its own gradient. */
const loss = (vars: tf.Variable[], step: number) => () =>
  tf.tidy(() => {
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 100 + step);
    const y = tf.tanh(tf.add(tf.matMul(x, vars[0]), vars[1]));
    return tf.add(tf.mean(tf.square(tf.sub(y, 0.3))), tf.mean(tf.square(tf.sin(vars[2])))) as tf.Scalar;
  });

const values = (vars: tf.Variable[]) => vars.map((v) => Array.from(v.dataSync()));

async function compare(backend: 'wasm' | undefined) {
  if (backend) await initBackend(backend);
  else await useTestBackend();
  const a = weights(1);
  const b = weights(1);
  const stock = tf.train.adam(0.01, 0.5, 0.999);
  const fused = new FusedAdam(0.01, 0.5, 0.999);
  const before = tf.memory().numTensors;
  for (let step = 0; step < 12; step++) {
    stock.minimize(loss(a, step), false, a);
    fused.minimize(loss(b, step), false, b);
    // After the first step: tfjs's Adam holds a first and second moment per weight (6), the fused one
    // two flat ones and the last gradient's norm (for the step's metrics).
    assert.equal(tf.memory().numTensors, before + 6 + 2 + 1, `tensors held after step ${step + 1}`);
  }
  assert.deepEqual(values(b), values(a), 'weights after 12 steps equal tfjs Adam bit for bit');

  // Its saved state is Adam's, so a checkpoint written by either resumes in the other.
  const saved = await fused.getWeights();
  const stockSaved = await stock.getWeights();
  assert.deepEqual(saved.map((w) => w.name), ['iter', ...b.map((v) => `${v.name}/m`), ...b.map((v) => `${v.name}/v`)]);
  assert.deepEqual(stockSaved.map((w) => w.name), ['iter', ...a.map((v) => `${v.name}/m`), ...a.map((v) => `${v.name}/v`)]);
  assert.deepEqual(saved.map((w) => Array.from(w.tensor.dataSync())), stockSaved.map((w) => Array.from(w.tensor.dataSync())));
  const resumedStock = tf.train.adam(0.01, 0.5, 0.999);
  const resumedFused = new FusedAdam(0.01, 0.5, 0.999);
  await resumedStock.setWeights(stockSaved);
  await resumedFused.setWeights(saved);
  for (let step = 12; step < 16; step++) {
    resumedStock.minimize(loss(a, step), false, a);
    resumedFused.minimize(loss(b, step), false, b);
  }
  assert.deepEqual(values(b), values(a), 'after resuming both from the saved state, still equal');
  for (const o of [stock, fused, resumedStock, resumedFused]) o.dispose();
  tf.dispose([...a, ...b, ...saved.map((w) => w.tensor)]);
}

test('fused Adam updates weights exactly as tfjs Adam, state included, on the test backend', () => compare(undefined));
test('fused Adam updates weights exactly as tfjs Adam on wasm', () => compare('wasm'));
