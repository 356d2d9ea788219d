import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { bestCheckpoint, measureIds, measures, type MeasureId, type QualityEvent, type QualityRecord } from '../../../shared/quality.js';
import type { TrainingEvent } from '../../../shared/training.js';
import { evaluateCommand } from '../../../main/cli/evaluate.js';
import { importBuiltin } from '../../../main/data/builtins/index.js';
import { openDataset, type Dataset } from '../../../main/data/datasetCache.js';
import { testBackendEnv, useTestBackend } from '../support/testBackend.js';
import { listCheckpoints, readCheckpointFile } from '../../../main/project/checkpoints.js';
import type { TrainedGenerator } from '../../../main/engine/checkpoint/openGenerator.js';
import { buildModels, resolveParams } from '../../../main/engine/models/buildModels.js';
import { collapseAlarm } from '../../../main/engine/quality/collapseAlarm.js';
import { drawSamples, realSamples, sampleCount } from '../../../main/engine/quality/drawSamples.js';
import { embed } from '../../../main/engine/quality/embed.js';
import { evaluateCheckpoint } from '../../../main/engine/quality/evaluateCheckpoint.js';
import { openFeatureSpace, type FeatureSpace } from '../../../main/engine/quality/featureSpace.js';
import { measureSamples } from '../../../main/engine/quality/measureSamples.js';
import { readRunQuality } from '../../../main/engine/quality/runQualityFile.js';
import type { RunControl } from '../../../main/engine/training/runControl.js';
import { runTraining } from '../../../main/engine/training/runTraining.js';
import { projectLayout } from '../../../main/project/layout.js';
import { ensureProject } from '../../../main/project/project.js';

/**
 * One short real training run is shared by most tests: mlp on 2,000 digits at 14x14, 600 steps
 * with Adam at 1e-3 (five times the paper's rate, so a few hundred steps reach recognisable,
 * varied digits). Its checkpoints carry the measures; step 0 is the untrained generator.
 */
const STEPS = 600;
let work: string;
let digits: string;
let events: TrainingEvent[] = [];
let end: TrainingEvent;

before(async () => {
  await useTestBackend();
  work = await mkdtemp(join(tmpdir(), 'gan-quality-'));
  digits = join(work, 'digits');
  await ensureProject(digits, 'digits');
  await importBuiltin('digits', digits, { size: 14, count: 2000 });
  end = await runTraining(
    {
      projectDir: digits,
      options: {
        preset: 'mlp',
        seed: 1,
        params: { batchSize: 64, hiddenUnits: [128, 256], learningRateG: 1e-3, learningRateD: 1e-3 },
        epochs: 1000,
        maxSteps: STEPS,
        sampleIntervalMs: 60_000,
        metricsIntervalMs: 1000,
        // Every checkpoint stays, so each one's stored measures can be checked (retention has its own test).
        keepEvery: 0,
      },
    },
    (e) => events.push(e),
  );
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

const ofType = <T extends TrainingEvent['type']>(type: T) => events.filter((e): e is Extract<TrainingEvent, { type: T }> => e.type === type);
const featureNetEvents = () => events.filter((e): e is Extract<QualityEvent, { type: 'feature-net' }> => e.type === 'feature-net');
const ready = () => {
  const e = featureNetEvents().find((f) => f.state === 'ready');
  assert.ok(e && e.state === 'ready', 'the feature network became ready');
  return e;
};
const checkpoints = () => ofType('checkpoint').map((e) => e.checkpoint);
const UNCONDITIONAL_MEASURES: MeasureId[] = ['frechetDistance', 'kernelDistance', 'precision', 'recall', 'diversity', 'classCoverage'];

test('training trains the feature network before step 0, then measures and stores every checkpoint', async () => {
  assert.equal(end.type, 'finished', JSON.stringify(end));
  const fn = featureNetEvents();
  const progress = fn.filter((e) => e.state === 'training');
  assert.ok(progress.length >= 2, 'progress is reported while the feature network trains');
  assert.ok(progress.every((e) => e.state === 'training' && e.done <= e.total && e.total > 0));
  const r = ready();
  assert.equal(r.cached, false, 'first time for this dataset: trained, not cached');
  assert.equal(r.kind, 'classifier');
  assert.ok((r.heldOutAccuracy ?? 0) > 0.8, `held-out accuracy ${r.heldOutAccuracy}`);
  assert.equal(r.sampleCount, 300, '15% of 2,000 images held out per real set');
  assert.ok(events.indexOf(r) < events.findIndex((e) => e.type === 'checkpoint'), 'ready before the step 0 checkpoint');

  const infos = checkpoints();
  assert.equal(infos[0].step, 0, 'the curve starts from the untrained generator');
  assert.equal(infos.at(-1)!.step, STEPS);
  const run = projectLayout(digits).run('run-001');
  for (const info of infos) {
    assert.deepEqual(Object.keys(info.quality ?? {}).sort(), [...UNCONDITIONAL_MEASURES].sort(), `${info.id}: every measure of an unconditional generator on labelled data`);
    assert.deepEqual((await readCheckpointFile(run.checkpoint(info.id))).quality, info.quality, `${info.id}: checkpoint.json holds what the event said`);
  }
  assert.deepEqual((await listCheckpoints(run.checkpointsDir)).map((c) => c.quality), infos.map((c) => c.quality), 'listed checkpoints carry their measures');

  const file = await readRunQuality(run.dir);
  assert.ok(file, 'runs/<id>/quality.json is written');
  assert.equal(file.measure, 'frechetDistance');
  assert.equal(file.best?.checkpointId, bestCheckpoint(infos)!.id, 'the best checkpoint is marked');
  assert.notEqual(file.best?.checkpointId, infos[0].id, 'training beat the untrained generator');
  const announced = ofType('best-checkpoint');
  assert.equal(announced[0].checkpointId, infos[0].id, 'step 0 is the first best');
  assert.deepEqual(announced.at(-1), { type: 'best-checkpoint', measure: 'frechetDistance', ...file.best }, 'the Train screen hears of each new best');
  assert.deepEqual(file.real, r.real);
  assert.ok(!ofType('alarm').some((e) => e.alarm.severity === 'collapsed'), 'a healthy run is not called collapsed');
});

test('held-out real images score far better than the trained generator, which beats the untrained one', () => {
  const real = ready().real;
  const untrained = checkpoints()[0].quality!;
  const trained = checkpoints().at(-1)!.quality!;
  const show = (q: QualityRecord) => UNCONDITIONAL_MEASURES.map((m) => `${m} ${q[m]!.toFixed(3)}`).join(', ');
  const context = `\nreal:      ${show(real)}\ntrained:   ${show(trained)}\nuntrained: ${show(untrained)}`;
  console.log(context);
  // Far better: the distances and recall, which keep improving long after a few hundred steps.
  // Precision, sample spread and class coverage are left out of "far": a decent generator can
  // match real images on fidelity, spread and class mix well before it matches their variety.
  assert.ok(real.frechetDistance! * 2 < trained.frechetDistance!, `Fréchet distance${context}`);
  assert.ok(real.kernelDistance! * 2 < trained.kernelDistance!, `kernel distance${context}`);
  assert.ok(real.recall! > trained.recall! + 0.15, `recall${context}`);
  // Trained against untrained: every measure, by a wide margin.
  assert.ok(trained.frechetDistance! * 5 < untrained.frechetDistance!, `Fréchet distance${context}`);
  assert.ok(trained.kernelDistance! * 5 < untrained.kernelDistance!, `kernel distance${context}`);
  for (const m of ['precision', 'recall', 'diversity', 'classCoverage'] as const) {
    assert.ok(trained[m]! > untrained[m]! + 0.2, `${m}${context}`);
  }
});

/**
 * Tolerances for two sample seeds at 300 samples, from six seeds on a checkpoint of this run:
 * Fréchet distance varied by up to 19% (max over min), kernel distance by up to 0.11, precision
 * by up to 0.07, the others by less. Each is 2-4 standard deviations of the seed-to-seed spread.
 */
const SEED_TOLERANCE: Record<MeasureId, (a: number, b: number) => boolean> = {
  frechetDistance: (a, b) => Math.abs(a - b) <= 0.25 * Math.min(a, b),
  kernelDistance: (a, b) => Math.abs(a - b) <= 0.2,
  precision: (a, b) => Math.abs(a - b) <= 0.1,
  recall: (a, b) => Math.abs(a - b) <= 0.1,
  diversity: (a, b) => Math.abs(a - b) <= 0.1,
  classCoverage: (a, b) => Math.abs(a - b) <= 0.1,
  conditionalAccuracy: (a, b) => Math.abs(a - b) <= 0.1,
};

test('measures are stable: another sample seed agrees within tolerance; the default seed reproduces training', async () => {
  const stored = checkpoints().at(-1)!.quality!;
  const again = await evaluateCheckpoint(digits, {});
  assert.equal(again.checkpoint.step, STEPS, 'the latest checkpoint by default');
  assert.equal(again.featureNet.cached, true, 'the feature network comes from the cache');
  for (const m of UNCONDITIONAL_MEASURES) assert.ok(Math.abs(again.quality[m]! - stored[m]!) < 1e-9, `${m}: ${again.quality[m]} vs stored ${stored[m]}`);
  const other = await evaluateCheckpoint(digits, {}, { seed: 2 });
  for (const m of UNCONDITIONAL_MEASURES) {
    assert.ok(SEED_TOLERANCE[m](again.quality[m]!, other.quality[m]!), `${m}: seed 1 ${again.quality[m]!.toFixed(3)}, seed 2 ${other.quality[m]!.toFixed(3)}`);
  }
});

/** A generator that ignores its noise: the same image for every input (the extreme of mode collapse). */
function constantGenerator(image: Float32Array, shape: { height: number; width: number; channels: number }): TrainedGenerator {
  const noiseSize = 8;
  const noise = tf.input({ shape: [noiseSize] });
  const dense = tf.layers.dense({ units: image.length });
  const out = tf.layers.reshape({ targetShape: [shape.height, shape.width, shape.channels] }).apply(dense.apply(noise)) as tf.SymbolicTensor;
  const generator = tf.model({ inputs: noise, outputs: out });
  dense.setWeights([tf.zeros([noiseSize, image.length]), tf.tensor1d(image)]);
  return { generator, conditional: false, noiseSize, shape: { ...shape, classes: 0 } };
}

/**
 * A conditional generator that draws, for class k, the prototype image in row `rows[k]` of its
 * class embedding, nudged a little by the noise. With rows in order it is perfectly conditional;
 * with rows rotated its labels are shuffled: every class asks for its neighbour's picture.
 */
function prototypeGenerator(prototypes: Float32Array[], rows: number[], shape: { height: number; width: number; channels: number }): TrainedGenerator {
  const noiseSize = 8;
  const pixels = prototypes[0].length;
  const noise = tf.input({ shape: [noiseSize] });
  const label = tf.input({ shape: [1] });
  const embedding = tf.layers.embedding({ inputDim: prototypes.length, outputDim: pixels });
  const picked = tf.layers.flatten().apply(embedding.apply(label)) as tf.SymbolicTensor;
  const nudge = tf.layers.dense({ units: pixels, useBias: false, kernelInitializer: tf.initializers.randomUniform({ minval: -0.01, maxval: 0.01, seed: 5 }) }).apply(noise) as tf.SymbolicTensor;
  const sum = tf.layers.add().apply([picked, nudge]) as tf.SymbolicTensor;
  const out = tf.layers.reshape({ targetShape: [shape.height, shape.width, shape.channels] }).apply(sum) as tf.SymbolicTensor;
  const generator = tf.model({ inputs: [noise, label], outputs: out });
  const table = new Float32Array(prototypes.length * pixels);
  rows.forEach((row, k) => table.set(prototypes[row], k * pixels));
  embedding.setWeights([tf.tensor2d(table, [prototypes.length, pixels])]);
  return { generator, conditional: true, noiseSize, shape: { ...shape, classes: prototypes.length } };
}

const toUnit = (pixels: Uint8Array) => Float32Array.from(pixels, (v) => v / 127.5 - 1);

async function digitsSpace(): Promise<{ dataset: Dataset; space: FeatureSpace }> {
  const dataset = await openDataset(digits);
  const opened = await openFeatureSpace(digits, dataset);
  assert.ok(opened.ok, opened.ok ? '' : opened.error);
  return { dataset, space: opened.value };
}

test('a generator forced to collapse raises the alarm and gets low recall', async () => {
  const { dataset, space } = await digitsSpace();
  const size = 14 * 14;
  const collapsed = constantGenerator(toUnit(dataset.images.subarray(0, size)), space.image);
  try {
    const count = sampleCount(space, false);
    const quality = await measureSamples(space, await drawSamples(collapsed, space, count));
    assert.ok(quality.recall! < 0.02, `recall ${quality.recall}`);
    assert.ok(quality.diversity! < 0.01, `sample spread ${quality.diversity}`);
    // After the warm-up, the same collapsed generator at three checkpoints in a row.
    const earlier = [0, 300, 600, 900, 1200].map((step) => ({ id: `step-${step}`, step, quality: step === 0 ? checkpoints()[0].quality : quality }));
    const alarm = collapseAlarm(earlier, { id: 'step-1500', step: 1500, quality });
    assert.equal(alarm?.kind, 'mode-collapse');
    assert.equal(alarm?.severity, 'collapsed');
    assert.match(alarm!.explanation, /nearly the same images/);
    assert.ok(alarm!.suggestions.some((s) => /learning rate/.test(s)), 'says what to try');
  } finally {
    collapsed.generator.dispose();
    space.dispose();
  }
});

test('conditional accuracy: high when class k draws class k, near chance when the labels are shuffled', async () => {
  const { dataset, space } = await digitsSpace();
  const size = 14 * 14;
  // Prototypes: for each class, the first image the feature network itself puts in that class.
  const candidates = 200;
  const { predicted } = await embed(space.net, dataset.images.subarray(0, candidates * size), space.image, candidates);
  const prototypes = space.classes.map((_, k) => {
    const i = [...predicted!.keys()].find((j) => predicted![j] === k && dataset.labels[j] === k);
    assert.ok(i !== undefined, `a clear example of class ${k}`);
    return toUnit(dataset.images.subarray(i * size, (i + 1) * size));
  });
  const classes = prototypes.length;
  const intact = prototypeGenerator(prototypes, prototypes.map((_, k) => k), space.image);
  const shuffled = prototypeGenerator(prototypes, prototypes.map((_, k) => (k + 1) % classes), space.image);
  try {
    const count = sampleCount(space, false);
    const good = await measureSamples(space, await drawSamples(intact, space, count));
    const bad = await measureSamples(space, await drawSamples(shuffled, space, count));
    const chance = 1 / classes;
    assert.ok(good.conditionalAccuracy! > 0.9, `intact: ${good.conditionalAccuracy}`);
    assert.ok(bad.conditionalAccuracy! < chance + 0.05, `shuffled: ${bad.conditionalAccuracy} (chance ${chance})`);
    // The class mix is the same either way: coverage does not see the shuffle, only accuracy does.
    assert.ok(Math.abs(good.classCoverage! - bad.classCoverage!) < 0.05, `coverage ${good.classCoverage} vs ${bad.classCoverage}`);
    const real = await measureSamples(space, realSamples(space, count, true));
    assert.ok(real.conditionalAccuracy! > 0.8, `real images with their true labels: ${real.conditionalAccuracy}`);
  } finally {
    intact.generator.dispose();
    shuffled.generator.dispose();
    space.dispose();
  }
});

test('gan-studio evaluate prints every measure beside real images; --json holds them by name with the checkpoint, step and real scores', async (t) => {
  const lines: string[] = [];
  t.mock.method(console, 'log', (...args: unknown[]) => lines.push(args.join(' ')));
  assert.equal(await evaluateCommand(['--project', digits, '--checkpoint', String(STEPS)]), 0);
  t.mock.restoreAll();
  const text = lines.join('\n');
  assert.match(text, /run-001\/step-00000600 \(step 600, mlp\): 300 generated images/);
  assert.match(text, /Real images/);
  assert.match(text, /Not Inception/);
  for (const m of UNCONDITIONAL_MEASURES) assert.ok(text.includes(measures[m].label), `${m} is printed`);
  assert.match(text, /Best checkpoint of run-001 by Fréchet distance/);

  const cli = join(import.meta.dirname, '..', '..', '..', 'main', 'cli.ts');
  const result = spawnSync(process.execPath, ['--import', 'tsx', cli, 'evaluate', '--project', digits, '--json'], {
    encoding: 'utf8',
    env: testBackendEnv(),
    timeout: 120_000,
  });
  assert.equal(result.status, 0, result.stderr);
  const json = JSON.parse(result.stdout) as Record<string, number> & { real: Record<string, number>; checkpoint: string; run: string; step: number };
  const present = measureIds.filter((m) => UNCONDITIONAL_MEASURES.includes(m));
  assert.deepEqual(Object.keys(json).slice(0, present.length), present);
  for (const m of UNCONDITIONAL_MEASURES) assert.ok(Math.abs(json[m] - checkpoints().at(-1)!.quality![m]!) < 1e-9, `${m} matches the stored value`);
  assert.equal(json.run, 'run-001');
  assert.equal(json.checkpoint, checkpoints().at(-1)!.id);
  assert.equal(json.step, checkpoints().at(-1)!.step);
  assert.deepEqual(Object.keys(json.real), present, 'the real images score every measure the checkpoint has');
  assert.ok(json.real.frechetDistance < json.frechetDistance, 'real images score a lower Fréchet distance than a 600-step generator');
});

test('an unlabelled dataset gets an autoencoder feature space and no class measures', async () => {
  const dir = join(work, 'unlabelled');
  await ensureProject(dir, 'unlabelled');
  await importBuiltin('shapes', dir, { size: 16, count: 600, channels: 'gray' });
  const layout = projectLayout(dir);
  const manifest = JSON.parse(await readFile(layout.manifest, 'utf8'));
  await writeFile(layout.manifest, JSON.stringify({ ...manifest, classes: [], classCounts: [] }));
  await writeFile(layout.labels, new Uint8Array(manifest.count));
  const dataset = await openDataset(dir);
  const opened = await openFeatureSpace(dir, dataset);
  assert.ok(opened.ok);
  const space = opened.value;
  const untrained = buildModels('mlp', resolveParams('mlp', { hiddenUnits: [32, 64] }), { height: 16, width: 16, channels: 1, classes: 0 }, 1);
  try {
    assert.equal(space.kind, 'autoencoder');
    const count = sampleCount(space, false);
    const real = await measureSamples(space, realSamples(space, count, false));
    const noise = await measureSamples(space, await drawSamples(untrained, space, count));
    assert.equal(real.classCoverage, undefined);
    assert.equal(real.conditionalAccuracy, undefined);
    assert.ok(real.frechetDistance! * 5 < noise.frechetDistance!, `real ${real.frechetDistance} vs untrained ${noise.frechetDistance}`);
    assert.ok(real.recall! > 0.5 && noise.recall! < 0.1, `recall: real ${real.recall}, untrained ${noise.recall}`);
  } finally {
    untrained.generator.dispose();
    untrained.discriminator.dispose();
    space.dispose();
  }
});

test('pause holds the feature network; early stop ends the run after K checkpoints without improvement; quality off measures nothing', async () => {
  const dir = join(work, 'shapes');
  await ensureProject(dir, 'shapes');
  await importBuiltin('shapes', dir, { size: 16, count: 600, channels: 'gray' });
  // A generator learning rate far below float32 resolution freezes G exactly, so no checkpoint can beat step 0.
  const frozen = { batchSize: 32, hiddenUnits: [32, 64], learningRateG: 1e-30 };
  const seen: TrainingEvent[] = [];
  // Pause as soon as the feature network reports progress; resume a moment after the run says it paused.
  let paused = false;
  let wake: (() => void) | undefined;
  const control: RunControl = { get paused() { return paused; }, stopRequested: false, advice: 'off', untilResumed: () => new Promise<void>((resolve) => (wake = resolve)), takeManualStep: () => undefined };
  const onEvent = (e: TrainingEvent) => {
    seen.push(e);
    if (e.type === 'feature-net' && e.state === 'training' && !seen.some((s) => s.type === 'paused')) paused = true;
    if (e.type === 'paused') setTimeout(() => ((paused = false), wake?.()), 300);
  };
  const stopped = await runTraining({ projectDir: dir, options: { preset: 'mlp', params: frozen, epochs: 50, earlyStopPatience: 2, sampleIntervalMs: 60_000 } }, onEvent, control);
  const order = (type: string) => seen.findIndex((e) => e.type === type || (e.type === 'feature-net' && e.state === type));
  assert.ok(order('paused') > 0 && order('paused') < order('resumed') && order('resumed') < order('ready'), `pause and resume while the feature network trains: ${seen.map((e) => e.type).join(',')}`);
  assert.ok(!seen.slice(order('paused'), order('resumed')).some((e) => e.type === 'feature-net'), 'no feature network progress while paused');
  const stepsPerEpoch = Math.floor(600 / 32);
  assert.deepEqual(stopped, { type: 'finished', step: 2 * stepsPerEpoch, reason: 'completed' }, 'stopped at the second checkpoint after the best');
  const early = seen.find((e) => e.type === 'early-stop');
  assert.ok(early && early.type === 'early-stop');
  assert.deepEqual(early.best.checkpointId, 'step-00000000');
  assert.equal(early.patience, 2);
  assert.match(early.message, /has not improved for 2 checkpoints/);
  assert.equal((await readRunQuality(projectLayout(dir).run('run-001').dir))?.best?.checkpointId, 'step-00000000');

  const plain: TrainingEvent[] = [];
  const quick = await runTraining({ projectDir: dir, options: { preset: 'mlp', params: frozen, maxSteps: 3, quality: false } }, (e) => plain.push(e));
  assert.equal(quick.type, 'finished');
  assert.ok(!plain.some((e) => e.type === 'feature-net'), 'no feature network when quality is off');
  const run = projectLayout(dir).run('run-002');
  for (const c of await listCheckpoints(run.checkpointsDir)) assert.equal(c.quality, undefined);
  assert.equal(await readRunQuality(run.dir), null);
});
