/**
 * Issue 13, bringing a generator back: `import-generator` makes a generator.onnx a run of the
 * project. Here the files are the studio's own ONNX exports, of every preset, with scrambled
 * weights and batch-norm statistics (so a wrong transpose or fold would show); the PyTorch job's
 * generator.onnx is imported in pytorchJob.test.ts where PyTorch is installed. The imported run
 * draws the exported checkpoint's images for the same noise, and files that are not such a
 * generator are refused with a message saying what differs, leaving the project as it was.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../main/engine/backend/initBackend.js';
import { openGenerator } from '../../../main/engine/checkpoint/openGenerator.js';
import { exportCheckpoint } from '../../../main/engine/export/index.js';
import { decodeOnnxModel, encodeOnnxModel, type OnnxModel } from '../../../main/engine/export/onnx/onnxProto.js';
import { importGenerator } from '../../../main/engine/import/importGenerator.js';
import { generate } from '../../../main/engine/samples/generate.js';
import { planRun } from '../../../main/engine/training/resolveRun.js';
import { listRuns } from '../../../main/project/runs.js';
import { maxAbsDiff, presetCases, scrambledCopy, std, trainCase, TRAINING_BACKEND, type TrainedCase } from './exportFixtures.js';

const TOLERANCE = 1e-5;
const BATCH = 6;

let work: string;
before(async () => {
  await initBackend(TRAINING_BACKEND);
  work = await mkdtemp(join(tmpdir(), 'gan-import-é '));
});
after(() => rm(work, { recursive: true, force: true }));

/** A checkpoint's images for fixed noise (and class ids 0, 1, 2, ...), float values in [-1, 1]. */
async function imagesOf(checkpointDir: string): Promise<Float32Array> {
  const { models } = await openGenerator(checkpointDir);
  const noise = tf.randomNormal([BATCH, models.noiseSize], 0, 1, 'float32', 3) as tf.Tensor2D;
  const ids = tf.tensor2d(Float32Array.from({ length: BATCH }, (_, i) => i % Math.max(1, models.shape.classes)), [BATCH, 1]);
  const images = generate(models, noise, ids);
  const values = Float32Array.from(images.dataSync());
  tf.dispose([noise, ids, images]);
  models.generator.dispose();
  return values;
}

const cases = new Map<string, TrainedCase>();

for (const c of presetCases) {
  describe(`${c.preset} (${c.size}x${c.size} ${c.channels})`, () => {
    let onnxFile: string;
    let scrambled: string;
    before(async () => {
      const trained = await trainCase(c, 3);
      cases.set(c.preset, trained);
      scrambled = await scrambledCopy(trained.checkpointDir, join(work, `${c.preset} scrambled`), 17);
      onnxFile = join((await exportCheckpoint(scrambled, 'onnx', join(work, `${c.preset} onnx`))).outDir, 'generator.onnx');
    });

    test('imported from its ONNX export, the run draws the checkpoint’s images', async (t) => {
      const trained = cases.get(c.preset)!;
      const imported = await importGenerator(onnxFile, trained.project);
      assert.equal(imported.runId, 'run-002');
      assert.equal(imported.preset, c.preset);
      const runs = await listRuns(trained.project);
      const run = runs.find((r) => r.run.id === 'run-002')!;
      assert.equal(run.run.status, 'completed');
      assert.equal(run.run.imported?.file, onnxFile);
      assert.match(run.run.imported!.producer, /^GAN Studio /);
      assert.deepEqual(run.checkpoints.map((k) => k.id), [imported.checkpointId]);
      const checkpointDir = join(trained.project, 'runs', 'run-002', 'checkpoints', imported.checkpointId);
      assert.ok((await readdir(checkpointDir)).includes('samples.png'));

      const want = await imagesOf(scrambled);
      const have = await imagesOf(checkpointDir);
      const diff = maxAbsDiff(want, have);
      assert.ok(std(want) > 0.3, 'the scrambled weights should spread the images');
      assert.ok(diff <= TOLERANCE, `the imported generator differs from the exported one by ${diff}`);
      t.diagnostic(`${c.preset}: max |imported - exported| ${diff.toExponential(2)}`);

      // Every export works on it, and resuming it is refused with the reason.
      const tfjs = await exportCheckpoint(checkpointDir, 'tfjs', join(work, `${c.preset} re-export`));
      assert.equal(tfjs.metadata.training.runId, 'run-002');
      await assert.rejects(planRun({ projectDir: trained.project, options: { preset: c.preset }, resume: { runId: 'run-002' } }), /imported from generator\.onnx.*cannot be resumed/);
    });
  });
}

describe('files that are not a studio generator of this project', () => {
  const mlpOnnx = () => join(work, 'mlp onnx', 'generator.onnx');
  const tampered = async (name: string, change: (model: OnnxModel) => void) => {
    const model = decodeOnnxModel(await readFile(mlpOnnx()));
    change(model);
    const path = join(work, `${name}.onnx`);
    await writeFile(path, encodeOnnxModel(model));
    return path;
  };

  test('each is refused with what differs, and no run is added', async () => {
    const mlp = cases.get('mlp')!;
    const cdcgan = cases.get('cdcgan')!;
    const before = (await readdir(join(mlp.project, 'runs'))).sort();
    const notOnnx = join(work, 'notes.onnx');
    await writeFile(notOnnx, 'just some notes, no protobuf here at all');
    await assert.rejects(importGenerator(notOnnx, mlp.project), /not an ONNX model/);
    await assert.rejects(importGenerator(join(work, 'missing.onnx'), mlp.project), /No file at/);
    const bare = await tampered('bare', (m) => (m.metadataProps = []));
    await assert.rejects(importGenerator(bare, mlp.project), /no GAN Studio metadata/);
    const alpha = await tampered('alpha', (m) => (m.graph.node.find((n) => n.opType === 'LeakyRelu')!.attribute![0].f = 0.3));
    await assert.rejects(importGenerator(alpha, mlp.project), /LeakyRelu: expected alpha=0\.2\d*, found alpha=0\.3/);
    const sigmoid = await tampered('sigmoid', (m) => (m.graph.node.find((n) => n.opType === 'Tanh')!.opType = 'Sigmoid'));
    await assert.rejects(importGenerator(sigmoid, mlp.project), /expected Tanh, found Sigmoid/);
    const nan = await tampered('nan', (m) => {
      const kernel = m.graph.initializer.find((i) => i.name.endsWith('_kernel'))!;
      const raw = Uint8Array.from(kernel.rawData);
      new DataView(raw.buffer).setFloat32(0, NaN, true);
      kernel.rawData = raw;
    });
    await assert.rejects(importGenerator(nan, mlp.project), /NaN or infinite/);
    // The mlp case draws 16x16 grayscale; the cdcgan project holds 28x28 grayscale shapes.
    await assert.rejects(importGenerator(mlpOnnx(), cdcgan.project), /draws 16x16x1 images, but this project's dataset is 28x28x1/);
    const renamed = join(work, 'renamed.onnx');
    const cganModel = decodeOnnxModel(await readFile(join(work, 'cgan onnx', 'generator.onnx')));
    const meta = cganModel.metadataProps!.find((p) => p.key === 'gan_studio')!;
    meta.value = JSON.stringify({ ...JSON.parse(meta.value), classes: ['a', 'b', 'c', 'd'].map((name, id) => ({ id, name })) });
    await writeFile(renamed, encodeOnnxModel(cganModel));
    await assert.rejects(importGenerator(renamed, cases.get('cgan')!.project), /draws the classes a, b, c, d; this project's dataset has circle/);
    assert.deepEqual((await readdir(join(mlp.project, 'runs'))).sort(), before);
  });
});

after(async () => {
  for (const c of cases.values()) await c.cleanup();
});
