import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { presetIds } from '../../../shared/presets.js';
import type { TrainingEvent, TrainingRequest } from '../../../shared/training.js';
import { useTestBackend } from '../support/testBackend.js';
import { runTraining } from '../../../main/engine/training/runTraining.js';
import { projectLayout } from '../../../main/project/layout.js';
import { parseMetricsLog } from '../../../main/project/metricsLog.js';
import { smallParams, tinyProject } from '../support/tinyProject.js';

before(async () => {
  await useTestBackend();
});

async function train(request: TrainingRequest) {
  const events: TrainingEvent[] = [];
  const end = await runTraining(request, (e) => events.push(e));
  return { events, end };
}

for (const preset of presetIds) {
  test(`${preset}: trains a few steps, writes checkpoints and a sample grid, no NaN`, async () => {
    const project = await tinyProject();
    try {
      const { events, end } = await train({
        projectDir: project.dir,
        options: { preset, params: smallParams(preset), maxSteps: 3, metricsIntervalMs: 50, sampleIntervalMs: 100 },
      });
      assert.equal(end.type, 'finished', JSON.stringify(end));
      const metrics = events.filter((e) => e.type === 'metrics');
      assert.ok(metrics.length >= 1);
      for (const m of metrics) for (const k of ['dLoss', 'gLoss', 'dReal', 'dFake'] as const) assert.ok(Number.isFinite(m[k]), `${k} is ${m[k]}`);
      const run = projectLayout(project.dir).run('run-001');
      const checkpoints = (await readdir(run.checkpointsDir)).sort();
      assert.deepEqual(checkpoints, ['step-00000000', 'step-00000003'], 'a checkpoint before any update and one at the end');
      const last = join(run.checkpointsDir, 'step-00000003');
      for (const f of ['checkpoint.json', 'generator/model.json', 'generator/weights.bin', 'discriminator.bin', 'optimizer-g.bin', 'optimizer-d.bin', 'samples.png', 'metrics.jsonl']) {
        await readFile(join(last, f));
      }
      const grid = events.filter((e) => e.type === 'sample').at(-1);
      assert.ok(grid && grid.type === 'sample');
      const png = await sharp(join(last, 'samples.png')).metadata();
      assert.equal(png.width, grid.grid.width);
      assert.equal(png.height, grid.grid.height);
      const conditional = preset.startsWith('c');
      assert.equal(grid.grid.rows, conditional ? 4 : 8, 'one row per class for conditional presets');
      const info = JSON.parse(await readFile(run.runFile, 'utf8'));
      assert.equal(info.status, 'completed');
      assert.ok(parseMetricsLog(await readFile(run.metrics, 'utf8')).length >= 1);
    } finally {
      await project.cleanup();
    }
  });
}

test('conditional presets refuse an unlabelled dataset with a clear message', async () => {
  const project = await tinyProject();
  try {
    const manifestPath = projectLayout(project.dir).manifest;
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    await writeFile(manifestPath, JSON.stringify({ ...manifest, classes: [], classCounts: [] }));
    const labels = projectLayout(project.dir).labels;
    await writeFile(labels, new Uint8Array(manifest.count));
    const { end } = await train({ projectDir: project.dir, options: { preset: 'cgan', params: smallParams('cgan'), maxSteps: 1 } });
    assert.equal(end.type, 'failed');
    assert.match(end.type === 'failed' ? end.message : '', /needs a labelled dataset/);
  } finally {
    await project.cleanup();
  }
});

test('bad preset parameters are refused naming the field', async () => {
  const project = await tinyProject();
  try {
    const { end } = await train({ projectDir: project.dir, options: { preset: 'dcgan', params: { batchSize: 0, beta1: 2 } } });
    assert.equal(end.type, 'failed');
    const message = end.type === 'failed' ? end.message : '';
    assert.match(message, /batchSize/);
    assert.match(message, /beta1/);
  } finally {
    await project.cleanup();
  }
});

test('a NaN loss stops the run with a clear message and keeps the last good checkpoint', async () => {
  const project = await tinyProject();
  try {
    const options = { preset: 'mlp' as const, params: smallParams('mlp'), maxSteps: 2 };
    assert.equal((await train({ projectDir: project.dir, options })).end.type, 'finished');
    // Damage G's own weights in the latest checkpoint with NaN (beside generator/, which holds
    // their moving average), as a broken file or a diverged update would, then resume from it.
    const checkpoint = join(projectLayout(project.dir).run('run-001').checkpointsDir, 'step-00000002');
    const weights = await readFile(join(checkpoint, 'generator-trained.bin'));
    new Float32Array(weights.buffer, weights.byteOffset, weights.byteLength / 4).fill(NaN);
    await writeFile(join(checkpoint, 'generator-trained.bin'), weights);
    const { end } = await train({ projectDir: project.dir, options: { ...options, maxSteps: 4 }, resume: {} });
    assert.equal(end.type, 'failed');
    assert.match(end.type === 'failed' ? end.message : '', /diverged at step 3: \w+ is NaN.*last good checkpoint \(step 2\) is kept/);
    const left = (await readdir(projectLayout(project.dir).run('run-001').checkpointsDir)).sort();
    assert.deepEqual(left, ['step-00000000', 'step-00000002'], 'no checkpoint of the diverged state');
    const info = JSON.parse(await readFile(projectLayout(project.dir).run('run-001').runFile, 'utf8'));
    assert.equal(info.status, 'failed');
  } finally {
    await project.cleanup();
  }
});
