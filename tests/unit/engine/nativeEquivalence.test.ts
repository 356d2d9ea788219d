import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDataset } from '../../../main/data/datasetCache.js';
import { initBackend } from '../../../main/engine/backend/initBackend.js';
import { findNativePackage, missingBindingReason } from '../../../main/engine/backend/native/nativePackage.js';
import { resolveParams } from '../../../main/engine/models/buildModels.js';
import { Trainer, type StepLosses } from '../../../main/engine/training/trainer.js';
import { presetIds, type PresetId } from '../../../shared/presets.js';
import type { BackendName } from '../../../shared/training.js';
import { smallParams, tinyProject } from '../support/tinyProject.js';

const pkg = findNativePackage('cpu');
const notProvisioned = !pkg ? '@tensorflow/tfjs-node is not installed' : missingBindingReason(pkg.dir);

/**
 * The same seeded steps on native TensorFlow and on WebAssembly give the same losses. Both start
 * from identical weights and batches (every random draw is seeded); what differs is float
 * rounding order (oneDNN against XNNPACK). Measured: at most 3.4e-7 relative over 5 steps of all
 * four presets; 1e-5 leaves room for other CPUs, while a wrong kernel, a lost optimizer update or
 * a different batch moves a loss by 1e-3 or more.
 */
const STEPS = 5;
const TOLERANCE = 1e-5;

async function lossesOn(backend: BackendName, preset: PresetId, dir: string): Promise<StepLosses[]> {
  await initBackend(backend);
  const dataset = await openDataset(dir);
  const trainer = new Trainer({ preset, params: resolveParams(preset, smallParams(preset)), dataset, seed: 5 });
  const losses: StepLosses[] = [];
  for (let s = 0; s < STEPS; s++) {
    trainer.trainStep();
    losses.push(await trainer.readLosses());
  }
  trainer.dispose();
  return losses;
}

for (const preset of presetIds) {
  test(`${preset}: ${STEPS} seeded steps give the same losses on native TensorFlow and WebAssembly`, { skip: notProvisioned ? `native backend not provisioned here: ${notProvisioned}` : false }, async () => {
    const project = await tinyProject({ size: 16, count: 64 });
    try {
      const wasm = await lossesOn('wasm', preset, project.dir);
      const native = await lossesOn('native', preset, project.dir);
      for (let s = 0; s < STEPS; s++) {
        for (const key of ['dLoss', 'gLoss', 'dReal', 'dFake'] as const) {
          const a = wasm[s][key];
          const b = native[s][key];
          assert.ok(Number.isFinite(a) && Number.isFinite(b), `step ${s + 1} ${key}: wasm ${a}, native ${b}`);
          const relative = Math.abs(a - b) / Math.max(1e-3, Math.abs(a));
          assert.ok(relative < TOLERANCE, `step ${s + 1} ${key}: wasm ${a}, native ${b} (relative ${relative.toExponential(1)} > ${TOLERANCE})`);
        }
      }
    } finally {
      await project.cleanup();
    }
  });
}
