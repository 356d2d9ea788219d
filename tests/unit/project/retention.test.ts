import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '../../../main/engine/backend/initBackend.js';
import { runTraining } from '../../../main/engine/training/runTraining.js';
import { listCheckpoints } from '../../../main/project/checkpoints.js';
import { projectLayout } from '../../../main/project/layout.js';
import { pruneCheckpoints } from '../../../main/project/retention.js';
import { smallParams, tinyProject } from '../support/tinyProject.js';

before(async () => {
  await initBackend('wasm');
});

test('checkpoint retention keeps the latest, the best, every Nth and the ones other runs branched from; 0 keeps all', async () => {
  const project = await tinyProject({ size: 8, count: 64 });
  try {
    const options = { preset: 'mlp' as const, params: smallParams('mlp'), epochs: 100, maxSteps: 7, checkpointEverySteps: 1, keepEvery: 3, quality: false };
    const end = await runTraining({ projectDir: project.dir, options }, () => {});
    assert.equal(end.type, 'finished', JSON.stringify(end));
    const run1 = projectLayout(project.dir).run('run-001');
    const steps = async () => (await listCheckpoints(run1.checkpointsDir)).map((c) => c.step);
    assert.deepEqual(await steps(), [0, 3, 6, 7], 'every 3rd checkpoint interval and the latest');
    assert.deepEqual(await readdir(run1.checkpointsDir), ['step-00000000', 'step-00000003', 'step-00000006', 'step-00000007'], 'nothing else left');

    // A run branched from step 3 keeps that checkpoint whatever the rule says.
    const branch = await runTraining({ projectDir: project.dir, options: { ...options, maxSteps: 4 }, resume: { runId: 'run-001', checkpointId: '3' } }, () => {});
    assert.equal(branch.type, 'finished', JSON.stringify(branch));
    // The best by the run's measure stays too: mark step 6 best (lowest Fréchet distance).
    for (const [id, value] of [['step-00000003', 9], ['step-00000006', 1], ['step-00000007', 5]] as const) {
      const path = join(run1.checkpoint(id), 'checkpoint.json');
      await writeFile(path, JSON.stringify({ ...JSON.parse(await readFile(path, 'utf8')), quality: { frechetDistance: value } }));
    }
    assert.deepEqual(await pruneCheckpoints(project.dir, 'run-001', { keepEvery: 7, interval: 1, measure: 'frechetDistance' }), []);
    assert.deepEqual(await pruneCheckpoints(project.dir, 'run-001', { keepEvery: 7, interval: 1 }), ['step-00000006']);
    assert.deepEqual(await steps(), [0, 3, 7]);
    assert.deepEqual(await pruneCheckpoints(project.dir, 'run-001', { keepEvery: 0, interval: 1 }), [], 'keepEvery 0 keeps all');
  } finally {
    await project.cleanup();
  }
});
