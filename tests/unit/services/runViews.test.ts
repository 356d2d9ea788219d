/**
 * What the Runs screen reads through the contract for the film and the charts: a run's film frames
 * and their pictures, and metrics with the gradient norms and learning rates where the log has them.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { FilmExportEvent, FilmFrameInfo, FilmFramePicture } from '../../../shared/film.js';
import type { StepMetrics } from '../../../shared/training.js';
import { callChannel, handlersFor, type HandlerTable } from '../../../main/ipc.js';
import { runTraining } from '../../../main/engine/training/runTraining.js';
import { projectLayout } from '../../../main/project/layout.js';
import { anyPath } from '../../../main/services/pathAccess.js';
import { createStudio, type Studio } from '../../../main/services/studio.js';
import { useTestBackend } from '../support/testBackend.js';
import { smallParams, tinyProject } from '../support/tinyProject.js';

let root: string;
let studio: Studio;
let table: HandlerTable;
let project: Awaited<ReturnType<typeof tinyProject>>;
const grids: { step: number; width: number; height: number; rgba: Uint8Array }[] = [];

before(async () => {
  await useTestBackend();
  root = await mkdtemp(join(tmpdir(), 'gan-studio-runviews-'));
  project = await tinyProject();
  await runTraining({ projectDir: project.dir, options: { preset: 'mlp', params: smallParams('mlp'), maxSteps: 12, sampleIntervalMs: 100 } }, (e) => {
    if (e.type === 'sample') grids.push({ step: e.step, ...e.grid });
  });
  studio = await createStudio({ mode: 'web', version: 'test', configDir: join(root, 'config'), projectsDir: join(root, 'projects'), access: anyPath });
  table = handlersFor(studio);
  const opened = await callChannel(table, 'openProject', { path: project.dir });
  assert.ok(opened.ok, JSON.stringify(opened));
});

after(async () => {
  await studio?.close();
  await Promise.all([project?.cleanup(), rm(root, { recursive: true, force: true })]);
});

async function call<T>(channel: string, payload: unknown): Promise<T> {
  const result = await callChannel(table, channel, payload);
  assert.ok(result.ok, JSON.stringify(result));
  return result.value as T;
}

test('the film channels list every preview in order and return each picture', async () => {
  const frames = await call<FilmFrameInfo[]>('listFilmFrames', { runId: 'run-001' });
  const steps = [...new Set(grids.map((g) => g.step))];
  assert.deepEqual(
    frames.map((f) => f.step),
    steps,
  );
  const last = grids.at(-1)!;
  const picture = await call<FilmFramePicture>('getFilmFrame', { runId: 'run-001', step: last.step });
  const { data, info } = await sharp(picture.png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, last.width);
  assert.deepEqual(new Uint8Array(data), last.rgba);
  const missing = await callChannel(table, 'getFilmFrame', { runId: 'run-001', step: 9999 });
  assert.deepEqual(missing, { ok: false, error: 'The film of run-001 has no frame at step 9999' });
  assert.deepEqual(await call('listFilmFrames', { runId: 'run-404' }), []);
});

test('exportFilm writes the film as a GIF with one frame per preview, with progress, and replaces it only when told', async () => {
  const frames = await call<FilmFrameInfo[]>('listFilmFrames', { runId: 'run-001' });
  const progress: number[] = [];
  const stop = studio.events.subscribe((name, data) => {
    const e = data as FilmExportEvent;
    if (name === 'filmExportProgress' && e.state === 'running') progress.push(e.done);
  });
  try {
    const gif = await call<{ path: string; frames: number }>('exportFilm', { runId: 'run-001', fps: 5 });
    assert.equal(gif.path, join(project.dir, 'exports', 'run-001-film.gif'));
    assert.equal(gif.frames, frames.length);
    const meta = await sharp(gif.path, { animated: true }).metadata();
    assert.equal(meta.pages, frames.length);
    assert.deepEqual(meta.delay, Array(frames.length).fill(200));
    assert.equal(progress.at(-1), frames.length);
  } finally {
    stop();
  }
  const again = await callChannel(table, 'exportFilm', { runId: 'run-001' });
  assert.equal(again.ok, false);
  assert.match(again.ok ? '' : again.error, /already exists: tick “Replace”/);
  assert.ok((await callChannel(table, 'exportFilm', { runId: 'run-001', force: true })).ok);
});

test('getRunMetrics carries gradient norms and learning rates where the log has them', async () => {
  const recorded: StepMetrics = { step: 13, epoch: 0, dLoss: 1, gLoss: 2, dReal: 0.5, dFake: 0.4, gradNormD: 0.75, gradNormG: 1.5, learningRateD: 2e-4, learningRateG: 1e-4, imagesPerSec: 10, etaSeconds: 0, time: 1 };
  await appendFile(projectLayout(project.dir).run('run-001').metrics, JSON.stringify(recorded) + '\n');
  const metrics = await call<StepMetrics[]>('getRunMetrics', { runId: 'run-001' });
  assert.deepEqual(metrics.at(-1), recorded);
});
