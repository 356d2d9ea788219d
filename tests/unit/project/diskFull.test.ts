import { test, before, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import type { RunInfo } from '../../../shared/training.js';
import { importBuiltin } from '../../../main/data/builtins/index.js';
import { openDataset } from '../../../main/data/datasetCache.js';
import { initBackend } from '../../../main/engine/backend/initBackend.js';
import { runTraining } from '../../../main/engine/training/runTraining.js';
import { projectLayout } from '../../../main/project/layout.js';
import { smallParams, tinyProject } from '../support/tinyProject.js';

before(async () => {
  await initBackend('wasm');
});
afterEach(() => {
  delete process.env.GAN_STUDIO_FAULT;
});

// The fault point throws the error a full disk gives (ENOSPC) at a chosen write.
test('a full disk during training says so in words, keeps the last complete checkpoint and leaves no half-written one', async () => {
  const project = await tinyProject({ size: 8, count: 64 });
  try {
    process.env.GAN_STUDIO_FAULT = 'checkpoint:files-written@2!enospc';
    const end = await runTraining({ projectDir: project.dir, options: { preset: 'mlp', params: smallParams('mlp'), epochs: 10, checkpointEverySteps: 2, quality: false } }, () => {});
    assert.equal(end.type, 'failed');
    assert.equal(end.type === 'failed' && end.message, 'The disk is full: training could not write its files. The last complete checkpoint (step 0) is kept. Free some space, then resume the run.');
    const run = projectLayout(project.dir).run('run-001');
    assert.deepEqual(await readdir(run.checkpointsDir), ['step-00000000']);
    const info = JSON.parse(await readFile(run.runFile, 'utf8')) as RunInfo;
    assert.equal(info.status, 'failed');
    assert.match(info.message ?? '', /The disk is full/);
  } finally {
    await project.cleanup();
  }
});

test('a full disk during an import says so in words and keeps the previous dataset', async () => {
  const project = await tinyProject({ size: 8, count: 32 });
  try {
    process.env.GAN_STUDIO_FAULT = 'dataset:written!enospc';
    await assert.rejects(
      importBuiltin('shapes', project.dir, { size: 8, count: 48 }),
      { message: 'The disk is full: the new dataset could not be written. The previous dataset is kept, unchanged. Free some space, then import again.' },
    );
    assert.equal((await openDataset(project.dir)).manifest.count, 32);
    assert.deepEqual((await readdir(project.dir)).sort(), ['dataset', 'project.json']);
  } finally {
    await project.cleanup();
  }
});
