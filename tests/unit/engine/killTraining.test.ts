import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import type { TrainingEvent, TrainingRequest } from '../../../shared/training.js';
import { openGenerator } from '../../../main/engine/checkpoint/openGenerator.js';
import { generatePixels } from '../../../main/engine/samples/generate.js';
import { startTraining } from '../../../main/engine/training/startTraining.js';
import { findCheckpoint } from '../../../main/project/findCheckpoint.js';
import { projectLayout } from '../../../main/project/layout.js';
import { lockFilePath } from '../../../main/project/lock.js';
import { openProject } from '../../../main/project/project.js';
import { tidyIfFree } from '../../../main/project/tidy.js';
import { smallParams, tinyProject } from '../support/tinyProject.js';

/**
 * Each pass trains (or resumes) in a real training process told to SIGKILL itself at one stage of
 * writing a checkpoint (a fault point, not a timer). After each kill the project must open, show
 * the run as interrupted, draw samples from the latest complete checkpoint, and the next pass
 * must resume from exactly that checkpoint. The last pass runs to the end.
 */
const kills = [
  { at: 'checkpoint:generator-written@2', what: 'half the checkpoint files written' },
  { at: 'checkpoint:synced@1', what: 'all files written and synced, not yet renamed into place' },
  { at: 'publish:staged@1', what: 'about to rename the staging folder' },
  { at: 'checkpoint:published@1', what: 'just renamed into place, before old checkpoints are pruned' },
  { at: 'retention:set-aside@1', what: 'a pruned checkpoint moved aside, not yet deleted' },
];

function train(request: TrainingRequest, fault?: string): { events: TrainingEvent[]; done: Promise<TrainingEvent & { type: 'finished' | 'failed' }> } {
  const events: TrainingEvent[] = [];
  const env = { ...process.env, GAN_STUDIO_BACKEND: 'wasm', GAN_STUDIO_WASM_THREADS: '1', GAN_STUDIO_FAULT: fault ?? '' };
  const handle = startTraining(request, (e) => events.push(e), env);
  return { events, done: handle.done };
}

test('training killed at each stage of a checkpoint write: the project opens, samples draw, resume continues from the latest complete checkpoint', async () => {
  const project = await tinyProject({ size: 8, count: 64 });
  const options = { preset: 'mlp' as const, params: smallParams('mlp'), epochs: 1000, maxSteps: 16, checkpointEverySteps: 2, keepEvery: 2, quality: false, metricsIntervalMs: 50 };
  const run = projectLayout(project.dir).run('run-001');
  let recovered = 0;
  try {
    let expectedResumeStep: number | undefined;
    for (const [index, kill] of kills.entries()) {
      const pass = train({ projectDir: project.dir, options, resume: index === 0 ? undefined : {} }, kill.at);
      const end = await pass.done;
      assert.equal(end.type, 'failed', `${kill.at}: the process was killed`);
      assert.match(end.type === 'failed' ? end.message : '', /killed \(SIGKILL\)/, kill.at);
      const started = pass.events.find((e) => e.type === 'started');
      assert.ok(started?.type === 'started', `${kill.at}: the run started`);
      if (expectedResumeStep !== undefined) assert.equal(started.step, expectedResumeStep, `${kill.at}: resumed from the latest complete checkpoint`);

      // Readers first, before anything tidies: the project opens and the run shows as interrupted.
      const summary = await openProject(project.dir);
      assert.equal(summary.runs.length, 1, `${kill.at}: still one run`);
      assert.equal(summary.runs[0].run.status, 'interrupted', `${kill.at}: a run whose process has gone is interrupted, not running`);
      const published = pass.events.filter((e) => e.type === 'checkpoint').map((e) => (e.type === 'checkpoint' ? e.checkpoint.step : -1));
      const latest = await findCheckpoint(project.dir);
      const expectedLatest = kill.at.startsWith('checkpoint:published') ? latest.checkpoint.step : Math.max(expectedResumeStep ?? 0, ...published);
      assert.equal(latest.checkpoint.step, expectedLatest, `${kill.at}: the latest complete checkpoint is the last one written whole`);
      if (kill.at.startsWith('checkpoint:published')) assert.ok(latest.checkpoint.step > Math.max(expectedResumeStep ?? 0, ...published), 'the checkpoint renamed into place before the kill counts');
      const { models } = await openGenerator(latest.dir);
      const noise = tf.randomNormal([4, models.noiseSize], 0, 1, 'float32', 1) as tf.Tensor2D;
      const pixels = await generatePixels(models, noise);
      noise.dispose();
      models.generator.dispose();
      assert.equal(pixels.length, 4 * 8 * 8 * 3, `${kill.at}: the latest checkpoint draws samples`);

      // Opening for writing tidies: no staging folder or lock of the killed process survives.
      const tidied = await tidyIfFree(project.dir);
      assert.ok(tidied, 'no live writer holds the project');
      assert.deepEqual((await readdir(run.checkpointsDir)).filter((n) => n.startsWith('.') || n.includes('.old-')), [], `${kill.at}: leftovers removed`);
      await assert.rejects(stat(lockFilePath(project.dir)), { code: 'ENOENT' }, 'the dead process no longer locks the project');
      expectedResumeStep = latest.checkpoint.step;
      recovered++;
    }
    const last = train({ projectDir: project.dir, options, resume: {} });
    const end = await last.done;
    assert.equal(end.type, 'finished', JSON.stringify(end));
    const started = last.events.find((e) => e.type === 'started');
    assert.equal(started?.type === 'started' && started.step, expectedResumeStep, 'the final pass resumed from the latest complete checkpoint');
    assert.equal(end.step, 16);
    const summary = await openProject(project.dir);
    assert.equal(summary.runs[0].run.status, 'completed');
    // Retention (keep every 2nd interval of 2 steps = steps divisible by 4, plus the latest).
    assert.deepEqual(
      summary.runs[0].checkpoints.map((c) => c.step),
      [0, 4, 8, 12, 16],
    );
    console.log(`training kills tried ${kills.length}, recovered ${recovered}`);
  } finally {
    await project.cleanup();
  }
});
