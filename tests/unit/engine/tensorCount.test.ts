import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { presetIds } from '../../../shared/presets.js';
import { openDataset, type Dataset } from '../../../main/data/datasetCache.js';
import { resolveParams } from '../../../main/engine/models/buildModels.js';
import { Trainer } from '../../../main/engine/training/trainer.js';
import { useTestBackend } from '../support/testBackend.js';
import { smallParams, tinyProject } from '../support/tinyProject.js';

/**
 * A training step must leave as many tensors as it found: a leak of one tensor a step is a leak of
 * gigabytes over a long run. Each step here does what the training loop does (update, read the
 * losses back, draw the preview grid). The first step is left out: Adam creates its moments then.
 */
let project: Awaited<ReturnType<typeof tinyProject>>;
let dataset: Dataset;

before(async () => {
  await useTestBackend();
  project = await tinyProject({ size: 16, count: 64 });
  dataset = await openDataset(project.dir);
});
after(() => project.cleanup());

for (const preset of presetIds) {
  test(`${preset}: the tensor count does not change from one training step to the next`, async () => {
    // Two D updates per G update exercise the discriminator loop's own disposals too.
    const params = resolveParams(preset, { ...smallParams(preset), dStepsPerG: 2 });
    const trainer = new Trainer({ preset, params, dataset, seed: 3 });
    try {
      const counts: number[] = [];
      for (let i = 0; i < 4; i++) {
        trainer.trainStep();
        await trainer.readLosses();
        await trainer.sampleGrid();
        counts.push(tf.memory().numTensors);
      }
      assert.deepEqual(counts.slice(1), [counts[1], counts[1], counts[1]], `tensors after each step: ${counts.join(', ')}`);
    } finally {
      trainer.dispose();
    }
  });
}

test('disposing the trainer frees every tensor it made', () => {
  const before = tf.memory().numTensors;
  const trainer = new Trainer({ preset: 'cdcgan', params: resolveParams('cdcgan', smallParams('cdcgan')), dataset, seed: 3 });
  trainer.trainStep();
  trainer.dispose();
  assert.equal(tf.memory().numTensors, before);
});
