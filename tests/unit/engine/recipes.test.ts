import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { presetIds, type PresetId } from '../../../shared/presets.js';
import { ganLosses } from '../../../shared/recipes.js';
import { openDataset, type Dataset } from '../../../main/data/datasetCache.js';
import { resolveParams } from '../../../main/engine/models/buildModels.js';
import { Trainer } from '../../../main/engine/training/trainer.js';
import { useTestBackend } from '../support/testBackend.js';
import { smallParams, tinyProject } from '../support/tinyProject.js';

/**
 * Every recipe trains on every preset: finite losses, weights that move, no tensor left behind per
 * step (a leak of one tensor a step is gigabytes over a long run).
 */
let project: Awaited<ReturnType<typeof tinyProject>>;
let dataset: Dataset;

before(async () => {
  await useTestBackend();
  project = await tinyProject({ size: 16, count: 64 });
  dataset = await openDataset(project.dir);
});
after(() => project.cleanup());

const everything = { spectralNorm: true, r1: 1, augment: 'on', emaDecay: 0.99 };

for (const preset of presetIds) {
  for (const loss of ganLosses) {
    test(`${preset} with ${loss}, spectral norm, R1, DiffAugment and EMA: finite losses and a flat tensor count`, async () => {
      const params = resolveParams(preset, { ...smallParams(preset), ...everything, loss, dStepsPerG: loss === 'wgan-gp' ? 2 : 1 });
      const trainer = new Trainer({ preset, params, dataset, seed: 5 });
      try {
        assert.ok(trainer.augmenting);
        const counts: number[] = [];
        for (let i = 0; i < 3; i++) {
          trainer.trainStep();
          const losses = await trainer.readLosses();
          for (const [name, value] of Object.entries(losses)) assert.ok(Number.isFinite(value), `${name} is ${value}`);
          assert.ok(losses.gradNormD > 0 && losses.gradNormG > 0);
          await trainer.sampleGrid();
          counts.push(tf.memory().numTensors);
        }
        assert.deepEqual(counts.slice(1), [counts[1], counts[1]], `tensors after each step: ${counts.join(', ')}`);
      } finally {
        trainer.dispose();
      }
    });
  }
}

test('the sampler is G itself without EMA and a separate moving average with it', () => {
  const plain = new Trainer({ preset: 'mlp', params: resolveParams('mlp', { ...smallParams('mlp'), emaDecay: 0 }), dataset, seed: 1 });
  const averaged = new Trainer({ preset: 'mlp', params: resolveParams('mlp', { ...smallParams('mlp'), emaDecay: 0.9 }), dataset, seed: 1 });
  try {
    assert.equal(plain.sampler.generator, plain.models.generator);
    assert.notEqual(averaged.sampler.generator, averaged.models.generator);
  } finally {
    plain.dispose();
    averaged.dispose();
  }
});

test('DiffAugment "auto" is on for a small dataset and "off" turns it off', () => {
  const auto = new Trainer({ preset: 'mlp', params: resolveParams('mlp', smallParams('mlp')), dataset, seed: 1 });
  const off = new Trainer({ preset: 'mlp', params: resolveParams('mlp', { ...smallParams('mlp'), augment: 'off' }), dataset, seed: 1 });
  try {
    assert.equal(auto.augmenting, true);
    assert.equal(off.augmenting, false);
  } finally {
    auto.dispose();
    off.dispose();
  }
});

const conv = (preset: PresetId) => preset.includes('dc');
test('the convolutional D drops its batch norm under spectral norm and WGAN-GP, and keeps it otherwise', () => {
  for (const preset of presetIds.filter(conv)) {
    const layerNames = (extra: Record<string, unknown>) => {
      const t = new Trainer({ preset, params: resolveParams(preset, { ...smallParams(preset), ...extra }), dataset, seed: 1 });
      const names = t.models.discriminator.layers.map((l) => l.getClassName());
      t.dispose();
      return names;
    };
    assert.ok(layerNames({}).includes('BatchNormalization'));
    assert.ok(!layerNames({ loss: 'wgan-gp' }).includes('BatchNormalization'));
    const sn = layerNames({ spectralNorm: true });
    assert.ok(!sn.includes('BatchNormalization'));
    assert.ok(sn.includes('SpectralConv2D') && sn.includes('SpectralDense'));
  }
});
