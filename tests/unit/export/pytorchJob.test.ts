/**
 * Issue 13, the PyTorch job (`export --format pytorch`), run for real where PyTorch is installed
 * (Debian: python3-torch; the Python is found as $GAN_STUDIO_PYTHON, python3 or /usr/bin/python3):
 * - with --init-from, the job's G, its moving average and D compute what the studio's do (every
 *   preset, and recipes with spectral norm, WGAN-GP's norm-free D and the EMA; checkpoints with
 *   scrambled weights and batch-norm statistics);
 * - the job trains 20 steps of a non-default recipe (hinge, spectral norm, R1, DiffAugment, EMA)
 *   under torchrun with two CPU processes (Gloo): losses finite, checkpoints written by rank 0
 *   only, generator.onnx (the moving average) written; run again, it resumes;
 * - generator.onnx runs in onnxruntime like the PyTorch generator, and import-generator brings it
 *   back as a run that draws the same images and samples.
 * Where PyTorch is missing, these tests say so and skip.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npyHeader } from '../../../main/data/handoff/npy.js';
import { initBackend } from '../../../main/engine/backend/initBackend.js';
import { openGenerator } from '../../../main/engine/checkpoint/openGenerator.js';
import { exportHandoff } from '../../../main/engine/export/handoff.js';
import { checkOnnxModel } from '../../../main/engine/export/onnx/checkOnnx.js';
import { decodeOnnxModel } from '../../../main/engine/export/onnx/onnxProto.js';
import { importGenerator } from '../../../main/engine/import/importGenerator.js';
import { generate, generatePixels } from '../../../main/engine/samples/generate.js';
import { readCheckpointFile } from '../../../main/project/checkpoints.js';
import { buildModels, resolveParams } from '../../../main/engine/models/buildModels.js';
import { readNamedTensors, setWeightsInOrder } from '../../../main/engine/checkpoint/weightsFile.js';
import { savedParams } from '../../../shared/recipes.js';
import { maxAbsDiff, presetCases, scrambledCopy, scrambleTensors, std, trainCase, TRAINING_BACKEND, type PresetCase, type TrainedCase } from './exportFixtures.js';
import { findPython, pythonCandidates, runPython } from '../support/python.js';
import { parseNpy } from '../support/zipReader.js';

const TOLERANCE = 1e-4;
const BATCH = 6;
const GENERATE = fileURLToPath(new URL('../support/torch_generate.py', import.meta.url));

const python = await findPython('torch', 'numpy');
const skip = python ? false : `PyTorch is not installed (tried ${pythonCandidates().join(', ')}); on Debian: apt-get install python3-torch`;

let work: string;
before(async () => {
  await initBackend(TRAINING_BACKEND);
  work = await mkdtemp(join(tmpdir(), 'gan-pytorch-é '));
});
after(() => rm(work, { recursive: true, force: true }));

/** A preset case under a name: every preset with its defaults (EMA on; DiffAugment on, 64 images), and recipes beside them. */
interface JobCase extends PresetCase {
  label: string;
}
const small = { batchSize: 16, baseFilters: 8 };
const jobCases: JobCase[] = [
  ...presetCases.map((c) => ({ ...c, label: c.preset })),
  { label: 'dcgan wgan-gp + spectral norm', preset: 'dcgan', size: 16, channels: 'rgb', params: { ...small, loss: 'wgan-gp', spectralNorm: true, dStepsPerG: 2, emaDecay: 0.9 } },
  { label: 'cdcgan wgan-gp', preset: 'cdcgan', size: 28, channels: 'gray', params: { ...small, loss: 'wgan-gp', emaDecay: 0.9 } },
  { label: 'cgan hinge + spectral norm + R1', preset: 'cgan', size: 16, channels: 'rgb', params: { batchSize: 16, hiddenUnits: [32, 64], loss: 'hinge', spectralNorm: true, r1: 1, emaDecay: 0.9 } },
  { label: 'cdcgan hinge + spectral norm + R1 + augment', preset: 'cdcgan', size: 28, channels: 'gray', params: { ...small, loss: 'hinge', spectralNorm: true, r1: 1, augment: 'on', emaDecay: 0.95 } },
];
const jobCase = (label: string) => jobCases.find((c) => c.label === label)!;

/** Noise (and class ids 0, 1, 2, ...) for BATCH images, as arrays and as .npy files for Python. */
async function noiseFiles(name: string, noiseSize: number, classes: number) {
  const z = tf.randomNormal([BATCH, noiseSize], 0, 1, 'float32', 9);
  const noise = Float32Array.from(z.dataSync());
  z.dispose();
  const ids = Array.from({ length: BATCH }, (_, i) => i % Math.max(1, classes));
  const noiseFile = join(work, `${name}-noise.npy`);
  const classesFile = join(work, `${name}-classes.npy`);
  await writeFile(noiseFile, Buffer.concat([npyHeader('<f4', [BATCH, noiseSize]), new Uint8Array(noise.buffer)]));
  await writeFile(classesFile, Buffer.concat([npyHeader('<i8', [BATCH]), new Uint8Array(BigInt64Array.from(ids.map(BigInt)).buffer)]));
  return { noise, ids, noiseFile, classesFile };
}

/** The studio generator's images (TF.js, inference mode) of a checkpoint for that noise. */
async function studioImages(checkpointDir: string, noise: Float32Array, ids: number[]): Promise<Float32Array> {
  const { models } = await openGenerator(checkpointDir);
  const values = tf.tidy(() => generate(models, tf.tensor2d(noise, [BATCH, models.noiseSize]), tf.tensor2d(Float32Array.from(ids), [BATCH, 1])).dataSync());
  models.generator.dispose();
  return Float32Array.from(values);
}

/** The studio's G itself (generator-trained) and D of a checkpoint, built as training builds them. */
async function studioTrainedModels(checkpointDir: string) {
  const file = await readCheckpointFile(checkpointDir);
  const params = resolveParams(file.preset, savedParams(file.params));
  const models = buildModels(file.preset, params, { ...file.image, classes: file.classes.length }, file.seed);
  for (const [model, name] of [[models.generator, 'generator-trained'], [models.discriminator, 'discriminator']] as const) {
    const saved = await readNamedTensors(join(checkpointDir, `${name}.json`), join(checkpointDir, `${name}.bin`));
    setWeightsInOrder(model, saved, name);
    tf.dispose(saved.map((w) => w.tensor));
  }
  return models;
}

/** Random images in [-1, 1] (N x H x W x C) for D, as an array and an .npy file. */
async function imageFile(name: string, shape: { height: number; width: number; channels: number }) {
  const dims = [BATCH, shape.height, shape.width, shape.channels];
  const t = tf.randomUniform(dims, -1, 1, 'float32', 5);
  const images = Float32Array.from(t.dataSync());
  t.dispose();
  const file = join(work, `${name}-images.npy`);
  await writeFile(file, Buffer.concat([npyHeader('<f4', dims), new Uint8Array(images.buffer)]));
  return { images, file };
}

interface TorchRequest {
  job: string;
  studio?: string;
  pt?: string;
  /** Which generator draws: G itself or its moving average (the default). */
  generator?: 'trained' | 'average';
  noise: string;
  classes: string;
  out: string;
  /** D's outputs on these images go to dOut. */
  images?: string;
  dOut?: string;
}

const readNpy = async (file: string) => new Float32Array(parseNpy(new Uint8Array(await readFile(file))).data.slice().buffer);

/** The job's PyTorch generator on the same noise, for each request (one Python start for all). */
async function torchImages(requests: TorchRequest[]): Promise<Float32Array[]> {
  const file = join(work, `requests-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(requests));
  await runPython(python!, [GENERATE, file], { timeoutMs: 180_000 });
  return Promise.all(requests.map((r) => readNpy(r.out)));
}

async function onnxImages(file: string, noise: Float32Array, ids: number[], conditional: boolean): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file);
  const feeds: Record<string, ort.Tensor> = { noise: new ort.Tensor('float32', noise, [BATCH, noise.length / BATCH]) };
  if (conditional) feeds.class_id = new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [BATCH]);
  const out = await session.run(feeds);
  await session.release();
  return out.image.data as Float32Array;
}

describe('PyTorch job', { skip }, () => {
  const prepared = new Map<string, Promise<{ run: TrainedCase; job: string }>>();
  /** A project trained 3 steps on the case, and its exported PyTorch job; made once per case. */
  const caseOf = (c: JobCase) => {
    if (!prepared.has(c.label)) {
      prepared.set(c.label, (async () => {
        const run = await trainCase(c, 3);
        const { out } = await exportHandoff(run.project, 'pytorch', join(work, `${c.label} job`));
        return { run, job: out };
      })());
    }
    return prepared.get(c.label)!;
  };
  after(async () => {
    for (const p of prepared.values()) await (await p).run.cleanup();
  });

  test('--init-from: G, its moving average and D equal the studio’s, every preset and recipes with spectral norm, WGAN-GP and EMA', async (t) => {
    const requests: TorchRequest[] = [];
    const expected: { average: Float32Array; trained: Float32Array; d: Float32Array }[] = [];
    for (const [i, c] of jobCases.entries()) {
      const { run, job } = await caseOf(c);
      const name = `case${i}`;
      const { params } = JSON.parse(await readFile(join(job, 'job.json'), 'utf8'));
      assert.ok(params.emaDecay > 0, `${c.label}: the case keeps a moving average`);
      assert.ok((await readdir(join(job, 'init'))).includes('generator-trained.bin'), `${c.label}: init/ holds G's own weights beside its average`);
      // Distinct scrambles for the average, G and D: each must be read from its own file.
      const scrambled = await scrambledCopy(run.checkpointDir, join(work, `${name} scrambled`), 23);
      await scrambleTensors(scrambled, 'generator-trained', 41);
      await scrambleTensors(scrambled, 'discriminator', 59);
      const files = await noiseFiles(name, params.noiseSize, 4);
      const shape = (await readCheckpointFile(scrambled)).image;
      const images = await imageFile(name, shape);
      const models = await studioTrainedModels(scrambled);
      const classes = tf.tensor2d(Float32Array.from(files.ids), [BATCH, 1]);
      const trained = tf.tidy(() => generate(models, tf.tensor2d(files.noise, [BATCH, models.noiseSize]), classes).dataSync());
      const d = tf.tidy(() => {
        const x = tf.tensor4d(images.images, [BATCH, shape.height, shape.width, shape.channels]);
        return (models.discriminator.apply(models.conditional ? [x, classes] : [x], { training: false }) as tf.Tensor).dataSync();
      });
      classes.dispose();
      models.generator.dispose();
      models.discriminator.dispose();
      expected.push({ average: await studioImages(scrambled, files.noise, files.ids), trained: Float32Array.from(trained), d: Float32Array.from(d) });
      const request = { job, studio: scrambled, noise: files.noiseFile, classes: files.classesFile };
      requests.push({ ...request, generator: 'average', out: join(work, `${name}-average.npy`), images: images.file, dOut: join(work, `${name}-d.npy`) });
      requests.push({ ...request, generator: 'trained', out: join(work, `${name}-trained.npy`) });
    }
    const got = await torchImages(requests);
    for (const [i, c] of jobCases.entries()) {
      const want = expected[i];
      const [average, trained] = [got[2 * i], got[2 * i + 1]];
      const d = await readNpy(requests[2 * i].dOut!);
      assert.ok(std(want.average) > 0.3 && std(want.trained) > 0.3, `${c.label}: scrambled weights should spread the images`);
      assert.ok(maxAbsDiff(want.average, want.trained) > 0.1, `${c.label}: G and its average were scrambled apart`);
      assert.ok(std(want.d) > 1e-3, `${c.label}: D's outputs should differ between images`);
      const diffs = { average: maxAbsDiff(want.average, average), trained: maxAbsDiff(want.trained, trained), d: maxAbsDiff(want.d, d) };
      for (const [part, diff] of Object.entries(diffs)) assert.ok(diff <= TOLERANCE, `${c.label}: PyTorch ${part} differs from the studio by ${diff}`);
      t.diagnostic(`${c.label}: max |PyTorch - studio| average ${diffs.average.toExponential(2)}, G ${diffs.trained.toExponential(2)}, D ${diffs.d.toExponential(2)}`);
    }
  });

  test('torchrun, 2 CPU processes, hinge + spectral norm + R1 + augment + EMA: 20 steps, rank-0 checkpoints, generator.onnx; resumes; comes back as a run', async (t) => {
    const { run, job } = await caseOf(jobCase('cdcgan hinge + spectral norm + R1 + augment'));
    const start = (await readCheckpointFile(join(job, 'init'))).step;
    const out = join(job, 'output');
    // torchrun is torch.distributed.run. --redirects 1 --tee 1 prefixes each line with the local
    // rank that printed it; it also gets past a bug of PyTorch 1.13 on Python 3.11 (Debian 12),
    // whose torchrun fails at start with the default 0 for both.
    const torchrun = (maxSteps: number) =>
      runPython(python!, ['-m', 'torch.distributed.run', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', '--log_dir', join(work, `logs-${maxSteps}`),
        'train.py', '--max-steps', String(maxSteps), '--checkpoint-every', '10', '--log-every', '5', '--init-from', 'init', '--threads', '1'],
        { cwd: job, timeoutMs: 300_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });

    const first = await torchrun(start + 20);
    const lines = first.stdout.split('\n');
    assert.ok(lines.some((l) => l.includes(`from studio checkpoint run-001/`) && l.includes('generator-trained')), first.stdout);
    assert.ok(lines.some((l) => l.includes('Recipe: loss hinge; R1 1; spectral norm in D; EMA of G 0.95; DiffAugment color, translation, cutout')), first.stdout);
    assert.match(first.stdout, /on 2 x cpu/);
    // Checkpoints at each epoch end, every 10 steps and at the last step; losses every 5 steps and at each checkpoint.
    const perEpoch = Number(/(\d+) steps\/epoch/.exec(first.stdout)?.[1]);
    const end = start + 20;
    const steps = Array.from({ length: 20 }, (_, i) => start + 1 + i);
    const due = steps.filter((s) => s % perEpoch === 0 || s % 10 === 0 || s === end);
    const name = (step: number) => `step-${String(step).padStart(8, '0')}.pt`;
    const saved = lines.filter((l) => /checkpoint .*step-\d+\.pt/.test(l));
    assert.equal(saved.length, due.length, first.stdout);
    assert.ok(saved.every((l) => l.startsWith('[default0]:') && l.endsWith('(rank 0)')), `only rank 0 writes checkpoints:\n${saved.join('\n')}`);
    assert.deepEqual((await readdir(join(out, 'checkpoints'))).sort(), due.map(name));
    const writers = await runPython(python!, ['-c', 'import glob, json, sys, torch; print(json.dumps([torch.load(p, map_location="cpu")["writtenBy"] for p in sorted(glob.glob(sys.argv[1] + "/*.pt"))]))', join(out, 'checkpoints')]);
    assert.deepEqual(JSON.parse(writers.stdout), due.map(() => ({ rank: 0, worldSize: 2 })));
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const logged = steps.filter((s) => s % 5 === 0 || due.includes(s));
    assert.deepEqual(metrics.map((m) => m.step), logged);
    for (const m of metrics) for (const key of ['dLoss', 'gLoss', 'dReal', 'dFake']) assert.ok(Number.isFinite(m[key]), `step ${m.step}: ${key} is ${m[key]}`);
    t.diagnostic(`losses at step ${start + 20}: D ${metrics.at(-1).dLoss.toFixed(3)}, G ${metrics.at(-1).gLoss.toFixed(3)}`);

    // generator.onnx: a valid model in the studio's contract that draws what the PyTorch generator draws.
    const onnxFile = join(out, 'generator.onnx');
    const model = decodeOnnxModel(await readFile(onnxFile));
    assert.deepEqual(checkOnnxModel(model).problems, []);
    // The onnx package's own checker too, where it is installed beside PyTorch (Debian: python3-onnx).
    const checker = ['import sys', 'try:', '    import onnx', 'except ImportError:', '    sys.exit("no onnx package here")', 'onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', 'print("passed")'].join('\n');
    const checked = await runPython(python!, ['-c', checker, onnxFile]).then((r) => r.stdout.trim(), (e: Error) => (/no onnx package here/.test(e.message) ? 'skipped, no onnx package' : Promise.reject(e)));
    t.diagnostic(`onnx.checker (full check): ${checked}`);
    const meta = JSON.parse(model.metadataProps!.find((p) => p.key === 'gan_studio')!.value);
    assert.equal(meta.training.step, start + 20);
    assert.match(meta.training.backend, /^pytorch .*\(2 x cpu\)$/);
    const files = await noiseFiles('ddp', meta.noise.size, 4);
    const pt = join(out, 'checkpoints', name(end));
    const [fromTorch, fromG] = await torchImages([
      { job, pt, generator: 'average', noise: files.noiseFile, classes: files.classesFile, out: join(work, 'ddp-torch.npy') },
      { job, pt, generator: 'trained', noise: files.noiseFile, classes: files.classesFile, out: join(work, 'ddp-torch-g.npy') },
    ]);
    const fromOnnx = await onnxImages(onnxFile, files.noise, files.ids, true);
    const onnxDiff = maxAbsDiff(fromTorch, fromOnnx);
    assert.ok(onnxDiff <= TOLERANCE, `generator.onnx differs from the PyTorch generator's moving average by ${onnxDiff}`);
    assert.ok(maxAbsDiff(fromG, fromOnnx) > 1e-3, 'generator.onnx is the moving average, not G itself');

    // Back in the studio: a run of its own, drawing the same images, with the job's loss curve.
    const imported = await importGenerator(onnxFile, run.project);
    assert.equal(imported.step, start + 20);
    assert.equal(imported.metrics, logged.length);
    const checkpointDir = join(run.project, 'runs', imported.runId, 'checkpoints', imported.checkpointId);
    const importedDiff = maxAbsDiff(fromOnnx, await studioImages(checkpointDir, files.noise, files.ids));
    assert.ok(importedDiff <= TOLERANCE, `the imported run differs from generator.onnx by ${importedDiff}`);
    const { models } = await openGenerator(checkpointDir);
    const pixels = await generatePixels(models, tf.randomNormal([8, meta.noise.size]) as tf.Tensor2D, tf.zeros([8, 1]) as tf.Tensor2D);
    models.generator.dispose();
    assert.ok(new Set(pixels).size > 10, 'the imported generator draws varied pixels');
    t.diagnostic(`max |ONNX - PyTorch| ${onnxDiff.toExponential(2)}, max |imported - ONNX| ${importedDiff.toExponential(2)}`);

    // The same command again, with more steps, resumes from the newest checkpoint.
    const second = await torchrun(end + 5);
    assert.ok(second.stdout.includes(`from checkpoint ${join(out, 'checkpoints', name(end))}`), second.stdout);
    const resumed = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).step);
    assert.deepEqual(resumed.slice(0, logged.length), logged);
    assert.equal(resumed.at(-1), end + 5);
    assert.ok(resumed.every((s, i) => i === 0 || s > resumed[i - 1]), `steps go on without repeats: ${resumed}`);
  });

  test('one process without torchrun: the MLP generator.onnx comes back as the same generator', async (t) => {
    const { run, job } = await caseOf(jobCase('cgan'));
    await runPython(python!, ['train.py', '--max-steps', '6', '--log-every', '2', '--init-from', 'init', '--threads', '1'], { cwd: job, timeoutMs: 180_000 });
    const onnxFile = join(job, 'output', 'generator.onnx');
    const files = await noiseFiles('mlp', 100, 4);
    const [fromTorch] = await torchImages([{ job, pt: join(job, 'output', 'checkpoints', 'step-00000006.pt'), generator: 'average', noise: files.noiseFile, classes: files.classesFile, out: join(work, 'mlp-torch.npy') }]);
    const imported = await importGenerator(onnxFile, run.project);
    const checkpointDir = join(run.project, 'runs', imported.runId, 'checkpoints', imported.checkpointId);
    const diff = maxAbsDiff(fromTorch, await studioImages(checkpointDir, files.noise, files.ids));
    assert.ok(diff <= TOLERANCE, `the imported run differs from the PyTorch generator by ${diff}`);
    t.diagnostic(`cgan: max |imported - PyTorch| ${diff.toExponential(2)}`);
  });
});
