/**
 * The training film: every preview a run emits is kept in order, a kill mid-write leaves a
 * readable film, a resumed run appends, a branched run starts its own, and the GIF export has one
 * frame per kept preview.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { SampleGrid, TrainingEvent, TrainingRequest } from '../../../shared/training.js';
import { writeFilmGif } from '../../../main/engine/export/filmGif.js';
import { runTraining } from '../../../main/engine/training/runTraining.js';
import { FilmRecorder, filmLayout, readFilm, readFilmFrame } from '../../../main/project/film.js';
import { projectLayout } from '../../../main/project/layout.js';
import { useTestBackend } from '../support/testBackend.js';
import { smallParams, tinyProject } from '../support/tinyProject.js';

let project: Awaited<ReturnType<typeof tinyProject>>;
let work: string;
let firstRun: { samples: Extract<TrainingEvent, { type: 'sample' }>[] };

const options = { preset: 'mlp' as const, params: smallParams('mlp'), sampleIntervalMs: 100, metricsIntervalMs: 50, keepEvery: 0 };

async function train(request: TrainingRequest) {
  const events: TrainingEvent[] = [];
  const end = await runTraining(request, (e) => events.push(e));
  assert.equal(end.type, 'finished', JSON.stringify(end));
  return events.filter((e): e is Extract<TrainingEvent, { type: 'sample' }> => e.type === 'sample');
}

/** The previews as the film keeps them: a step previewed twice (a timed preview on the last step, then the end's) is one frame. */
const distinct = <E extends { step: number }>(events: E[]) => events.filter((e, i) => i === 0 || e.step !== events[i - 1].step);

const runDir = (id: string) => projectLayout(project.dir).run(id).dir;

async function pixels(png: Uint8Array) {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgba: new Uint8Array(data) };
}

before(async () => {
  await useTestBackend();
  project = await tinyProject();
  work = await mkdtemp(join(tmpdir(), 'gan-film-'));
  firstRun = { samples: await train({ projectDir: project.dir, options: { ...options, maxSteps: 40 } }) };
});

after(async () => {
  await Promise.all([project?.cleanup(), rm(work, { recursive: true, force: true })]);
});

test('the film holds every preview the run emitted, in order, pixel for pixel', async () => {
  const frames = await readFilm(runDir('run-001'));
  const emitted = distinct(firstRun.samples);
  assert.equal(emitted[0].step, 0, 'the untrained generator is the first preview');
  assert.equal(emitted.at(-1)!.step, 40, 'the last preview is the end of the run');
  assert.deepEqual(
    frames.map((f) => [f.step, f.epoch]),
    emitted.map((e) => [e.step, e.epoch]),
  );
  for (const [i, frame] of frames.entries()) {
    const picture = await pixels(await readFilmFrame(runDir('run-001'), frame));
    assert.equal(picture.width, emitted[i].grid.width);
    assert.equal(picture.height, emitted[i].grid.height);
    assert.deepEqual(picture.rgba, emitted[i].grid.rgba, `frame ${i} (step ${frame.step}) is the grid that was previewed`);
  }
});

test('a film cut short mid-frame or mid-line reads up to its last whole frame, and the next writer appends after it', async () => {
  const dir = join(work, 'cut');
  const grid = (shade: number): SampleGrid => ({ width: 3, height: 2, rows: 1, cols: 1, rgba: new Uint8Array(3 * 2 * 4).fill(shade) });
  const recorder = await FilmRecorder.open(dir, 0);
  for (const step of [0, 5, 10]) await recorder.record(step, 0, grid(step * 10));
  const files = filmLayout(dir);
  const whole = await readFilm(dir);
  assert.deepEqual(whole.map((f) => f.step), [0, 5, 10]);

  // A kill while the last frame's bytes were being written: its index line points past the end.
  await truncate(files.frames, whole[2].offset + 7);
  assert.deepEqual((await readFilm(dir)).map((f) => f.step), [0, 5]);
  // ... and one while its index line was being written.
  await appendFile(files.index, '{"step":15,"epoch":0,"off');
  assert.deepEqual((await readFilm(dir)).map((f) => f.step), [0, 5]);

  const resumed = await FilmRecorder.open(dir, 100);
  await resumed.record(20, 1, grid(200));
  const frames = await readFilm(dir);
  assert.deepEqual(frames.map((f) => f.step), [0, 5, 20]);
  assert.deepEqual((await pixels(await readFilmFrame(dir, frames[2]))).rgba, grid(200).rgba);
  assert.equal((await stat(files.frames)).size, frames[2].offset + frames[2].length, 'the torn bytes were trimmed');
});

test('a film from a newer studio is refused by name; a run without a film has none', async () => {
  assert.deepEqual(await readFilm(join(work, 'nothing')), []);
  const dir = join(work, 'newer');
  await FilmRecorder.open(dir, 0);
  await writeFile(filmLayout(dir).info, JSON.stringify({ format: 'gan-studio/film', version: 99 }));
  await assert.rejects(readFilm(dir), /newer GAN Studio \(film format 99/);
});

test('a resumed run appends to its film; a branched run starts its own', async () => {
  const before = await readFilm(runDir('run-001'));
  const more = await train({ projectDir: project.dir, options: { ...options, maxSteps: 60 }, resume: {} });
  const after = await readFilm(runDir('run-001'));
  assert.deepEqual(after.slice(0, before.length), before, 'the frames trained before stay as they were');
  assert.deepEqual(
    after.slice(before.length).map((f) => f.step),
    distinct(more)
      .map((e) => e.step)
      .filter((s) => s > 40),
    'the resumed run adds its previews after step 40 (its first repeats the step the film already holds)',
  );

  const branch = await train({ projectDir: project.dir, options: { ...options, maxSteps: 10 }, resume: { runId: 'run-001', checkpointId: 'step-00000000' } });
  const own = await readFilm(runDir('run-002'));
  assert.deepEqual(
    own.map((f) => f.step),
    distinct(branch).map((e) => e.step),
  );
  assert.equal(own[0].step, 0);
});

test('the film GIF has one frame per kept preview', async () => {
  const frames = await readFilm(runDir('run-001'));
  const out = join(work, 'film.gif');
  const progress: number[] = [];
  const gif = await writeFilmGif(runDir('run-001'), 'run-001', out, { fps: 10, onProgress: (done) => progress.push(done) });
  assert.equal(gif.frames, frames.length);
  const meta = await sharp(out, { animated: true }).metadata();
  assert.equal(meta.format, 'gif');
  assert.equal(meta.pages, frames.length);
  assert.deepEqual(meta.delay, Array(frames.length).fill(100));
  assert.equal(progress.at(-1), frames.length);
  // Gray previews keep every level: the first frame decodes to the film's first picture.
  const first = await sharp(await readFile(out), { page: 0 }).ensureAlpha().raw().toBuffer();
  const expected = (await pixels(await readFilmFrame(runDir('run-001'), frames[0]))).rgba;
  assert.equal(first.length, expected.length);
  await assert.rejects(writeFilmGif(join(work, 'nothing'), 'run-009', join(work, 'x.gif')), /run-009 has no training film/);
});
