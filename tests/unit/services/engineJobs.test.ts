import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ExportJobEvent, StudioEventMap } from '../../../shared/contract.js';
import type { TrainingEvent } from '../../../shared/training.js';
import { callChannel, handlersFor, type HandlerTable } from '../../../main/ipc.js';
import { anyPath } from '../../../main/services/pathAccess.js';
import { createStudio, type Studio } from '../../../main/services/studio.js';
import { smallParams, tinyProject } from '../support/tinyProject.js';

/** The handlers against the real engine: a training process, the model worker, the export engine. */
let root: string;
let project: Awaited<ReturnType<typeof tinyProject>>;
let studio: Studio;
let table: HandlerTable;
const events: { name: keyof StudioEventMap; data: unknown }[] = [];

async function call<T>(channel: string, payload: unknown): Promise<T> {
  const result = await callChannel(table, channel, payload);
  assert.ok(result.ok, `${channel} failed: ${result.ok ? '' : result.error}`);
  return result.value as T;
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'gan-studio-ipc-engine-'));
  project = await tinyProject({ size: 16, count: 64 });
  studio = await createStudio({ mode: 'web', version: 'test', configDir: join(root, 'config'), projectsDir: join(root, 'projects'), access: anyPath });
  studio.events.subscribe((name, data) => events.push({ name, data }));
  table = handlersFor(studio);
  await call('openProject', { path: project.dir });
});

after(async () => {
  await studio.close();
  await project.cleanup();
  await rm(root, { recursive: true, force: true });
});

test('the layers of a preset, sized to the dataset', async () => {
  const mlp = await call<{ generator: { kind: string; outputShape: number[] }[]; discriminator: unknown[]; generatorParams: number }>('describeModel', {
    preset: 'cgan',
    params: smallParams('cgan'),
  });
  assert.deepEqual(mlp.generator.at(-1), { name: 'g_image', kind: 'Reshape', outputShape: [16, 16, 3], params: 0 });
  assert.ok(mlp.generatorParams > 0);
  const bad = await callChannel(table, 'describeModel', { preset: 'dcgan', params: { baseFilters: 2 } });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.error, /params\.baseFilters/);
});

test('train, then read the run back: metrics, checkpoint samples, fresh samples, an export', async () => {
  const finished = new Promise<TrainingEvent>((resolve) =>
    studio.events.subscribe((name, data) => {
      const event = data as TrainingEvent;
      if (name === 'trainingEvent' && (event.type === 'finished' || event.type === 'failed')) resolve(event);
    }),
  );
  const started = await call<{ status: string; runId: string }>('startTraining', {
    // keepEvery 0: this test lists every checkpoint the run wrote (retention would prune 3 and 4).
    options: { preset: 'cgan', params: smallParams('cgan'), epochs: 100, maxSteps: 6, checkpointEverySteps: 3, keepEvery: 0, metricsIntervalMs: 50, sampleIntervalMs: 100 },
  });
  assert.equal(started.status, 'running');
  const end = await finished;
  assert.equal(end.type, 'finished', JSON.stringify(end));
  assert.equal(studio.training.snapshot().status, 'finished');

  const runs = await call<{ run: { id: string }; checkpoints: { id: string; step: number }[] }[]>('listRuns', {});
  assert.equal(runs.length, 1);
  const { run, checkpoints } = runs[0];
  // Step 0, every 3 steps, each epoch end (4 steps of 16 images) and the last step.
  assert.deepEqual(checkpoints.map((c) => c.step), [0, 3, 4, 6]);
  const metrics = await call<{ step: number }[]>('getRunMetrics', { runId: run.id });
  assert.ok(metrics.length > 0 && metrics.at(-1)!.step === 6);

  const last = checkpoints.at(-1)!.id;
  const saved = await call<{ width: number; height: number; rows: number; cols: number; rgba: Uint8Array }>('getCheckpointSamples', { runId: run.id, checkpointId: last });
  assert.equal(saved.rows, 4, 'one row per class of the shapes set');
  assert.equal(saved.cols, 8);
  assert.equal(saved.rgba.length, saved.width * saved.height * 4);
  const fresh = await call<typeof saved>('sampleCheckpoint', { runId: run.id, checkpointId: last, seed: 7 });
  assert.deepEqual([fresh.width, fresh.height, fresh.rows, fresh.cols], [saved.width, saved.height, saved.rows, saved.cols]);
  assert.notDeepEqual(fresh.rgba, saved.rgba, 'another seed draws other images');
  const again = await call<typeof saved>('sampleCheckpoint', { runId: run.id, checkpointId: last, seed: 7 });
  assert.deepEqual(again.rgba, fresh.rgba, 'the same seed draws the same images');

  const missing = await callChannel(table, 'getCheckpointSamples', { runId: run.id, checkpointId: 'step-99999999' });
  assert.equal(missing.ok, false);

  const result = await call<{ outDir: string; files: string[] }>('exportCheckpoint', { runId: run.id, checkpointId: last, format: 'tfjs' });
  assert.equal(result.outDir, join(project.dir, 'exports', `${run.id}-${last}-tfjs`));
  assert.ok(result.files.includes('model.json'));
  assert.ok(existsSync(join(result.outDir, 'metadata.json')));
  const exportEvents = events.filter((e) => e.name === 'exportProgress').map((e) => (e.data as ExportJobEvent).state);
  assert.equal(exportEvents[0], 'running');
  assert.equal(exportEvents.at(-1), 'done');

  const twice = await callChannel(table, 'exportCheckpoint', { runId: run.id, checkpointId: last, format: 'tfjs' });
  assert.equal(twice.ok, false, 'an existing export is not replaced without force');
  if (!twice.ok) assert.match(twice.error, /already holds an export/);
  assert.deepEqual(await call('cancelExport', {}), { cancelled: false });
});

test('the backend report through the contract: every backend, the default choice loaded, served again without probing', async () => {
  const report = await call<{ backends: { name: string; loaded: boolean; device: string | null }[]; defaultChoice: string }>('getBackendReport', {});
  assert.deepEqual(report.backends.map((b) => b.name), ['gpu', 'native', 'wasm', 'cpu']);
  assert.equal(report.backends.find((b) => b.name === report.defaultChoice)?.loaded, true);
  // The same object: served from memory, not probed again; refresh probes anew.
  assert.equal(await call<typeof report>('getBackendReport', {}), report);
  const fresh = await call<typeof report>('getBackendReport', { refresh: true });
  assert.notEqual(fresh, report);
  assert.deepEqual(fresh.backends.map((b) => b.loaded), report.backends.map((b) => b.loaded));
});
