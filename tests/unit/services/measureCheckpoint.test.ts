import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { MeasureJobEvent } from '../../../shared/contract.js';
import type { RunSummary } from '../../../shared/project.js';
import type { CheckpointEvaluation } from '../../../shared/quality.js';
import type { TrainingEvent } from '../../../shared/training.js';
import { callChannel, handlersFor, type HandlerTable } from '../../../main/ipc.js';
import { anyPath } from '../../../main/services/pathAccess.js';
import { createStudio, type Studio } from '../../../main/services/studio.js';
import { smallParams, tinyProject } from '../support/tinyProject.js';

/** The Runs screen's "Measure": a checkpoint trained without measures is measured in the model worker and keeps them. */
let root: string;
let project: Awaited<ReturnType<typeof tinyProject>>;
let studio: Studio;
let table: HandlerTable;
const progress: MeasureJobEvent[] = [];

async function call<T>(channel: string, payload: unknown): Promise<T> {
  const result = await callChannel(table, channel, payload);
  assert.ok(result.ok, `${channel} failed: ${result.ok ? '' : result.error}`);
  return result.value as T;
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'gan-studio-measure-'));
  // 600 images: the measures need at least 400.
  project = await tinyProject({ size: 16, count: 600 });
  studio = await createStudio({ mode: 'web', version: 'test', configDir: join(root, 'config'), projectsDir: join(root, 'projects'), access: anyPath });
  studio.events.subscribe((name, data) => {
    if (name === 'measureProgress') progress.push(data as MeasureJobEvent);
  });
  table = handlersFor(studio);
  await call('openProject', { path: project.dir });
});

after(async () => {
  await studio.close();
  await project.cleanup();
  await rm(root, { recursive: true, force: true });
});

test('measure a checkpoint on demand: progress, every measure, stored with the checkpoint', async () => {
  const finished = new Promise<TrainingEvent>((resolve) =>
    studio.events.subscribe((name, data) => {
      const event = data as TrainingEvent;
      if (name === 'trainingEvent' && (event.type === 'finished' || event.type === 'failed')) resolve(event);
    }),
  );
  await call('startTraining', { options: { preset: 'mlp', params: smallParams('mlp'), epochs: 1, maxSteps: 3, quality: false, metricsIntervalMs: 50 } });
  assert.equal((await finished).type, 'finished');
  const [run] = await call<RunSummary[]>('listRuns', {});
  const last = run.checkpoints.at(-1)!;
  assert.equal(last.quality, undefined, 'trained without measures');
  assert.equal(await call('getRunQuality', { runId: run.run.id }), null);

  const evaluation = await call<CheckpointEvaluation>('measureCheckpoint', { runId: run.run.id, checkpointId: last.id });
  assert.equal(evaluation.saved, true);
  for (const id of ['frechetDistance', 'kernelDistance', 'precision', 'recall'] as const) assert.ok(Number.isFinite(evaluation.quality[id]), id);
  assert.equal(progress[0].state, 'running');
  assert.equal(progress.at(-1)!.state, 'done');

  const [after] = await call<RunSummary[]>('listRuns', {});
  assert.deepEqual(after.checkpoints.find((c) => c.id === last.id)!.quality, evaluation.quality, 'the measures are kept with the checkpoint');

  const missing = await callChannel(table, 'measureCheckpoint', { runId: run.run.id, checkpointId: 'step-99999999' });
  assert.equal(missing.ok, false);
  assert.equal(progress.at(-1)!.state, 'failed');
});
