import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { presetIds, presets } from '../../../shared/presets.js';
import { buildModels, resolveParams } from '../../../main/engine/models/buildModels.js';
import { adviceHeatGrid, discriminatorGradient } from '../../../main/engine/samples/advice.js';
import { useTestBackend } from '../support/testBackend.js';

/**
 * D's advice is the gradient of D's verdict with respect to the pixels: checked against central
 * finite differences of D itself on a tiny model of every preset (conditional ones judge each
 * image with its class), and drawn as a heat map the size of the grid.
 */
before(async () => {
  await useTestBackend();
});

const shape = { height: 8, width: 8, channels: 3, classes: 3 };

for (const preset of presetIds) {
  test(`${preset}: the advice map equals a finite-difference estimate of D's gradient`, () => {
    const conv = presets[preset].convolutional;
    const params = resolveParams(preset, conv ? { baseFilters: 4, leak: 0.2 } : { hiddenUnits: [16, 8] });
    const models = buildModels(preset, params, { ...shape, classes: presets[preset].conditional ? 3 : 0 }, 7);
    try {
      const n = 3;
      const images = tf.randomUniform([n, 8, 8, 3], -1, 1, 'float32', 11) as tf.Tensor4D;
      const classes = models.conditional ? tf.tensor2d([[0], [2], [1]]) : undefined;
      const gradient = discriminatorGradient(models, images, classes).arraySync() as number[][][][];
      const verdict = (x: tf.Tensor4D) => (models.discriminator.predict(models.conditional ? [x, classes!] : [x]) as tf.Tensor).dataSync();
      const base = images.arraySync() as number[][][][];
      const h = 1e-2;
      let checked = 0;
      for (const [i, y, x, c] of [[0, 1, 2, 0], [1, 4, 4, 1], [2, 7, 3, 2], [0, 5, 6, 2], [1, 0, 0, 0], [2, 3, 5, 1]]) {
        const shifted = (delta: number) => {
          const copy = base.map((img) => img.map((row) => row.map((px) => [...px])));
          copy[i][y][x][c] += delta;
          return tf.tidy(() => verdict(tf.tensor4d(copy)));
        };
        const estimate = (shifted(h)[i] - shifted(-h)[i]) / (2 * h);
        const analytic = gradient[i][y][x][c];
        assert.ok(Math.abs(estimate - analytic) <= 2e-3 + 0.02 * Math.abs(analytic), `image ${i} pixel (${y}, ${x}, ${c}): finite difference ${estimate}, advice ${analytic}`);
        checked++;
      }
      assert.equal(checked, 6);
      const nonZero = gradient.flat(3).filter((g) => g !== 0).length;
      assert.ok(nonZero > 0.5 * n * 8 * 8 * 3, 'D has advice for most pixels');
    } finally {
      models.generator.dispose();
      models.discriminator.dispose();
    }
  });
}

test('the heat map is red where D wants brighter, blue where darker, black where it does not care, a cell per image', async () => {
  // Two 2x2 images: the first with one positive and one negative pixel, the second flat.
  const gradient = tf.tensor4d([0.5, -0.25, 0, 0, 0, 0, 0, 0], [2, 2, 2, 1]);
  const grid = await adviceHeatGrid(gradient, 1, 2);
  assert.equal(grid.cols, 2);
  const at = (x: number, y: number) => Array.from(grid.rgba.slice((y * grid.width + x) * 4, (y * grid.width + x) * 4 + 3));
  assert.deepEqual(at(0, 0), [255, 64, 0], 'the strongest push up: full red');
  assert.deepEqual(at(1, 0), [0, 45, 180], 'half as strong down: blue, square-root scaled');
  assert.deepEqual(at(0, 1), [0, 0, 0]);
  const secondCell = 2 + 2;
  assert.deepEqual(at(secondCell, 0), [0, 0, 0], 'no advice, no colour');
});
