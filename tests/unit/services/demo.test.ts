import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { importBuiltin } from '../../../main/data/builtins/index.js';
import { runTraining } from '../../../main/engine/training/runTraining.js';
import { listCheckpoints } from '../../../main/project/checkpoints.js';
import { projectLayout } from '../../../main/project/layout.js';
import { ensureProject } from '../../../main/project/project.js';
import { demos } from '../../../main/services/tryBuiltin.js';
import { useTestBackend } from '../support/testBackend.js';

before(async () => {
  await useTestBackend();
});

/**
 * The welcome screen's demo recipe learns the classes: trained briefly (a few hundred steps of the
 * shapes demo, on fewer images), its generator draws the asked-for shape far more often than the
 * untrained one, which is at chance (1 in 4), as the studio's own class measure says.
 */
test('the shapes demo recipe, trained briefly, beats its untrained generator on class accuracy', async () => {
  const demo = demos.shapes;
  const dir = await mkdtemp(join(tmpdir(), 'gan-studio-demo-'));
  try {
    await ensureProject(dir, 'demo');
    // 1,000 images (the quality measures hold 400 out; DiffAugment's auto stays off, as for the demo's 2,000).
    await importBuiltin('shapes', dir, { ...demo.data, count: 1000 });
    const steps = 400;
    const end = await runTraining(
      { projectDir: dir, options: { preset: demo.preset, params: demo.params, epochs: 1000, maxSteps: steps, checkpointEverySteps: steps, keepEvery: 0 } },
      () => {},
    );
    assert.equal(end.type, 'finished', end.type === 'failed' ? end.message : '');
    const checkpoints = await listCheckpoints(projectLayout(dir).run('run-001').checkpointsDir);
    const untrained = checkpoints[0].quality!.conditionalAccuracy!;
    const trained = checkpoints.at(-1)!.quality!.conditionalAccuracy!;
    assert.equal(checkpoints.at(-1)!.step, steps);
    assert.ok(untrained < 0.4, `untrained class accuracy ${untrained}`);
    assert.ok(trained > untrained + 0.15, `class accuracy: untrained ${untrained.toFixed(2)}, after ${steps} steps ${trained.toFixed(2)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
