import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PresetId } from '../../../shared/presets.js';
import type { TrainingEvent, TrainingRequest } from '../../../shared/training.js';
import { useTestBackend } from '../support/testBackend.js';
import { runTraining } from '../../../main/engine/training/runTraining.js';
import { projectLayout } from '../../../main/project/layout.js';
import { smallParams, tinyProject } from '../support/tinyProject.js';

before(async () => {
  await useTestBackend();
});

async function train(request: TrainingRequest): Promise<TrainingEvent> {
  return runTraining(request, () => {});
}

async function floats(path: string): Promise<Float32Array> {
  const bytes = await readFile(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/**
 * Training N + M steps in one go and N steps, resume, M steps give the same weights. Not always
 * bit for bit: on resume Adam recomputes beta^t with pow() where the uninterrupted run multiplied
 * step by step, which moves the last float bits; 1e-5 absolute covers that and nothing more
 * (a wrong batch, noise draw, dropout mask or lost optimizer state moves weights by ~1e-3 or more).
 * On wasm the weights came out bit-identical when this test was written.
 */
for (const preset of ['mlp', 'dcgan', 'cgan'] as PresetId[]) {
  test(`${preset}: N+M steps in one go equal N steps, resume, M steps`, async () => {
    const straight = await tinyProject();
    const resumed = await tinyProject();
    try {
      // 128 images at batch 32 give 4 steps per epoch, so the runs cross an epoch boundary (a new shuffle).
      const options = { preset, params: { ...smallParams(preset), batchSize: 32 }, seed: 7 };
      assert.equal((await train({ projectDir: straight.dir, options: { ...options, maxSteps: 6 } })).type, 'finished');
      assert.equal((await train({ projectDir: resumed.dir, options: { ...options, maxSteps: 3 } })).type, 'finished');
      const end = await train({ projectDir: resumed.dir, options: { ...options, maxSteps: 6 }, resume: {} });
      assert.equal(end.type, 'finished', JSON.stringify(end));
      const at = (dir: string) => join(projectLayout(dir).run('run-001').checkpointsDir, 'step-00000006');
      for (const file of ['generator/weights.bin', 'discriminator.bin', 'optimizer-g.bin', 'optimizer-d.bin']) {
        const difference = maxDifference(await floats(join(at(straight.dir), file)), await floats(join(at(resumed.dir), file)));
        assert.ok(difference <= 1e-5, `${file} differs by ${difference}`);
      }
    } finally {
      await straight.cleanup();
      await resumed.cleanup();
    }
  });
}

test('the resumed run carries on the same run folder and metrics log', async () => {
  const project = await tinyProject();
  try {
    const options = { preset: 'mlp' as const, params: smallParams('mlp'), metricsIntervalMs: 50 };
    await train({ projectDir: project.dir, options: { ...options, maxSteps: 3 } });
    await train({ projectDir: project.dir, options: { ...options, maxSteps: 5 }, resume: {} });
    const run = projectLayout(project.dir).run('run-001');
    const info = JSON.parse(await readFile(run.runFile, 'utf8'));
    assert.equal(info.status, 'completed');
    const steps = (await readFile(run.metrics, 'utf8')).trim().split('\n').map((l) => JSON.parse(l).step);
    assert.deepEqual(steps, [...steps].sort((a, b) => a - b), 'metrics stay in step order');
    assert.equal(steps.at(-1), 5);
  } finally {
    await project.cleanup();
  }
});
