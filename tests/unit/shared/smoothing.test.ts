import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smooth } from '../../../shared/smoothing.js';

test('smoothing 0 leaves values as they are; a constant stays constant at any weight (debiased)', () => {
  assert.deepEqual(smooth([3, 1, 4, 1, 5], 0), [3, 1, 4, 1, 5]);
  for (const w of [0.3, 0.6, 0.9, 0.99]) for (const v of smooth([2, 2, 2, 2], w)) assert.ok(Math.abs(v - 2) < 1e-12);
});

test('smoothing follows TensorBoard: the debiased moving average of the values so far', () => {
  const [a, b, c] = smooth([1, 3, 5], 0.5);
  assert.equal(a, 1);
  // (0.5 * 0.5 * 1 + 0.5 * 3) / (1 - 0.25) = 1.75 / 0.75
  assert.ok(Math.abs(b - 1.75 / 0.75) < 1e-12);
  assert.ok(Math.abs(c - (1.75 * 0.5 + 2.5) / 0.875) < 1e-12);
  // A noisy signal's smoothed spread shrinks as the weight grows.
  const noisy = Array.from({ length: 200 }, (_, i) => (i % 2 ? 1 : -1));
  const spread = (w: number) => Math.max(...smooth(noisy, w).slice(100)) - Math.min(...smooth(noisy, w).slice(100));
  assert.ok(spread(0.9) < spread(0.5) && spread(0.5) < spread(0));
});
