/**
 * Every preset's generator, exported to TF.js and ONNX, loaded by a runtime other than the one that
 * trained it, draws the engine's images. Trained on wasm; the TF.js export is fetched over HTTP by
 * tf.loadLayersModel (as a browser does) on the pure-JS cpu backend; the ONNX export runs on
 * onnxruntime-node. Tolerances, on outputs in [-1, 1]:
 *   TF.js (cpu) vs engine (wasm): max |difference| <= 1e-5
 *   ONNX (onnxruntime, batch norm folded) vs engine: max |difference| <= 1e-4; uint8 pixels within 1 level
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { createServer, type Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { EXPORT_FORMAT, exportMetadataSchema, modelIO, TO_PIXELS } from '../../../shared/export.js';
import { initBackend } from '../../../main/engine/backend/initBackend.js';
import { openGenerator } from '../../../main/engine/checkpoint/openGenerator.js';
import { exportCheckpoint } from '../../../main/engine/export/index.js';
import { checkOnnxModel } from '../../../main/engine/export/onnx/checkOnnx.js';
import { generatorToOnnxGraph, transposedPadding } from '../../../main/engine/export/onnx/fromLayers.js';
import { OnnxDataType, decodeOnnxModel, encodeOnnxModel } from '../../../main/engine/export/onnx/onnxProto.js';
import { generate, toPixels } from '../../../main/engine/samples/generate.js';
import { findPython } from '../support/python.js';
import { maxAbsDiff, presetCases, scrambledCopy, std, trainCase, TRAINING_BACKEND, type TrainedCase } from './exportFixtures.js';

const TFJS_TOLERANCE = 1e-5;
const ONNX_TOLERANCE = 1e-4;
const BATCH = 6;

let work: string;
let server: Server;
let baseUrl: string;

before(async () => {
  await initBackend(TRAINING_BACKEND);
  work = await mkdtemp(join(tmpdir(), 'gan-export-models é '));
  // A plain static file server: tf.loadLayersModel fetches model.json and then its weight files.
  server = createServer(async (req, res) => {
    const path = resolve(work, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1));
    if (!path.startsWith(work + sep)) return res.writeHead(403).end();
    const body = await readFile(path).catch(() => null);
    if (body) res.writeHead(200).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.close();
  await rm(work, { recursive: true, force: true });
});

/** The engine's own images for a batch of noise (and class ids), on the training backend. */
async function engineImages(checkpointDir: string, noise: Float32Array, ids: number[]): Promise<{ images: Float32Array; pixels: Uint8Array; noiseSize: number }> {
  await tf.setBackend(TRAINING_BACKEND);
  const { models } = await openGenerator(checkpointDir);
  const z = tf.tensor2d(noise, [BATCH, models.noiseSize]);
  const labels = tf.tensor2d(Float32Array.from(ids), [BATCH, 1]);
  const images = generate(models, z, labels);
  const pixels = toPixels(images);
  const result = { images: Float32Array.from(images.dataSync()), pixels: Uint8Array.from(pixels.dataSync()), noiseSize: models.noiseSize };
  tf.dispose([z, labels, images, pixels]);
  models.generator.dispose();
  return result;
}

/** The TF.js export opened the way a web page opens it: by URL, on the pure-JS backend. */
async function tfjsImages(modelDir: string, noise: Float32Array, ids: number[], conditional: boolean, noiseSize: number): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const url = `${baseUrl}/${relative(work, modelDir).split(sep).map(encodeURIComponent).join('/')}/model.json`;
  const model = await tf.loadLayersModel(url);
  const inputs = [tf.tensor2d(noise, [BATCH, noiseSize])];
  if (conditional) inputs.push(tf.tensor2d(Float32Array.from(ids), [BATCH, 1]));
  const out = model.predict(inputs) as tf.Tensor;
  const values = Float32Array.from(out.dataSync());
  tf.dispose([...inputs, out]);
  model.dispose();
  await tf.setBackend(TRAINING_BACKEND);
  return values;
}

async function onnxRun(file: string, noise: Float32Array, ids: number[], conditional: boolean, noiseSize: number) {
  const session = await ort.InferenceSession.create(file);
  const batch = noise.length / noiseSize;
  const feeds: Record<string, ort.Tensor> = { [modelIO.noise]: new ort.Tensor('float32', noise, [batch, noiseSize]) };
  if (conditional) feeds[modelIO.onnxClass] = new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [batch]);
  const out = await session.run(feeds);
  await session.release();
  return { image: out[modelIO.image], pixels: out[modelIO.pixels] };
}

for (const c of presetCases) {
  describe(`${c.preset} generator (${c.size}x${c.size} ${c.channels})`, () => {
    let trained: TrainedCase;
    before(async () => {
      trained = await trainCase(c);
    });
    after(() => trained.cleanup());

    for (const weights of ['trained', 'scrambled'] as const) {
      test(`${weights} weights: the TF.js and ONNX exports draw the engine's images`, async (t) => {
        const checkpoint = weights === 'trained' ? trained.checkpointDir : await scrambledCopy(trained.checkpointDir, join(work, `${c.preset} scrambled ckpt`), 11);
        const tfjsDir = join(work, `${c.preset} ${weights} tfjs`);
        const onnxDir = join(work, `${c.preset} ${weights} onnx`);
        const tfjsExport = await exportCheckpoint(checkpoint, 'tfjs', tfjsDir);
        const onnxExport = await exportCheckpoint(checkpoint, 'onnx', onnxDir);
        assert.deepEqual(tfjsExport.files, ['metadata.json', 'model.json', 'weights.bin']);
        assert.deepEqual(onnxExport.files, ['generator.onnx', 'metadata.json']);

        const conditional = c.preset.startsWith('c');
        const noiseSize = tfjsExport.metadata.noise.size;
        const noiseTensor = tf.randomNormal([BATCH, noiseSize], 0, 1, 'float32', 5);
        const noise = Float32Array.from(noiseTensor.dataSync());
        noiseTensor.dispose();
        const ids = Array.from({ length: BATCH }, (_, i) => (conditional ? i % 4 : 0));
        const engine = await engineImages(checkpoint, noise, ids);
        const spread = std(engine.images);
        if (weights === 'scrambled') assert.ok(spread > 0.3, `scrambled weights should spread the images, std ${spread}`);

        const viaTfjs = await tfjsImages(tfjsDir, noise, ids, conditional, noiseSize);
        const tfjsDiff = maxAbsDiff(engine.images, viaTfjs);
        assert.ok(tfjsDiff <= TFJS_TOLERANCE, `TF.js export differs from the engine by ${tfjsDiff}`);

        const viaOnnx = await onnxRun(join(onnxDir, 'generator.onnx'), noise, ids, conditional, noiseSize);
        assert.deepEqual(viaOnnx.image.dims, [BATCH, c.size, c.size, c.channels === 'gray' ? 1 : 3]);
        const onnxDiff = maxAbsDiff(engine.images, viaOnnx.image.data as Float32Array);
        assert.ok(onnxDiff <= ONNX_TOLERANCE, `ONNX export differs from the engine by ${onnxDiff}`);
        assert.equal(viaOnnx.pixels.type, 'uint8');
        const pixelDiff = maxAbsDiff(engine.pixels, viaOnnx.pixels.data as Uint8Array);
        assert.ok(pixelDiff <= 1, `ONNX pixels differ from the engine's by ${pixelDiff} levels`);
        t.diagnostic(`${c.preset} ${weights}: output std ${spread.toFixed(3)}, max |TF.js - engine| ${tfjsDiff.toExponential(2)}, max |ONNX - engine| ${onnxDiff.toExponential(2)}, max pixel diff ${pixelDiff}`);

        // The batch dimension is dynamic: one image alone is the first image of the batch.
        const single = await onnxRun(join(onnxDir, 'generator.onnx'), noise.slice(0, noiseSize), ids.slice(0, 1), conditional, noiseSize);
        assert.ok(maxAbsDiff(engine.images.subarray(0, single.image.data.length), single.image.data as Float32Array) <= ONNX_TOLERANCE);
      });
    }

    test('the ONNX file parses back: opset 13, named inputs and outputs, every node defined, shapes agree', async () => {
      const outDir = join(work, `${c.preset} structure`);
      const result = await exportCheckpoint(trained.checkpointDir, 'onnx', outDir);
      const model = decodeOnnxModel(await readFile(join(outDir, 'generator.onnx')));
      const { problems, values } = checkOnnxModel(model);
      assert.deepEqual(problems, []);
      assert.equal(model.opsetImport.find((o) => !o.domain)?.version, 13);
      const conditional = c.preset.startsWith('c');
      const noiseSize = result.metadata.noise.size;
      const dims = (v: (typeof model.graph.input)[number]) => v.type.tensorType.shape.dim.map((d) => d.dimParam ?? d.dimValue);
      assert.deepEqual(
        model.graph.input.map((v) => [v.name, v.type.tensorType.elemType, dims(v)]),
        [[modelIO.noise, OnnxDataType.FLOAT, ['batch', noiseSize]], ...(conditional ? [[modelIO.onnxClass, OnnxDataType.INT64, ['batch']]] : [])],
      );
      const image = ['batch', c.size, c.size, c.channels === 'gray' ? 1 : 3];
      assert.deepEqual(
        model.graph.output.map((v) => [v.name, v.type.tensorType.elemType, dims(v)]),
        [
          [modelIO.image, OnnxDataType.FLOAT, image],
          [modelIO.pixels, OnnxDataType.UINT8, image],
        ],
      );
      for (const io of [...model.graph.input, ...model.graph.output]) assert.ok(io.docString && io.docString.length > 10, `${io.name} is documented`);
      assert.deepEqual(values.get(modelIO.image)?.shape, image);
      const ops = new Set(model.graph.node.map((n) => n.opType));
      assert.ok(!ops.has('BatchNormalization'), 'batch norm is folded into the layer before it');
      if (c.preset.includes('dc')) {
        for (const node of model.graph.node.filter((n) => n.opType === 'ConvTranspose')) {
          assert.deepEqual(node.attribute?.find((a) => a.name === 'pads')?.ints, [1, 1, 1, 1]);
          assert.deepEqual(node.attribute?.find((a) => a.name === 'output_padding')?.ints, [0, 0]);
        }
      }
      if (conditional) assert.ok(ops.has('Gather'), 'the class embedding is a Gather');
      const embedded = model.metadataProps?.find((p) => p.key === 'gan_studio')?.value;
      assert.deepEqual(JSON.parse(embedded ?? '{}'), JSON.parse(await readFile(join(outDir, 'metadata.json'), 'utf8')));
    });

    test('metadata.json says what a user needs to run the model', async () => {
      const outDir = join(work, `${c.preset} metadata`);
      const { metadata } = await exportCheckpoint(trained.checkpointDir, 'tfjs', outDir);
      const onDisk = exportMetadataSchema.parse(JSON.parse(await readFile(join(outDir, 'metadata.json'), 'utf8')));
      assert.deepEqual(onDisk, metadata);
      const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
      assert.equal(metadata.format, EXPORT_FORMAT);
      assert.equal(metadata.version, 1);
      assert.equal(metadata.appVersion, pkg.version);
      assert.equal(metadata.preset, c.preset);
      assert.deepEqual(metadata.noise, { size: 100, distribution: 'normal', mean: 0, std: 1 });
      assert.deepEqual(metadata.image, { height: c.size, width: c.size, channels: c.channels === 'gray' ? 1 : 3, layout: 'NHWC' });
      assert.deepEqual(metadata.output, { range: [-1, 1], toPixels: TO_PIXELS });
      assert.deepEqual(metadata.dataset, { name: 'Shapes', count: 64 });
      assert.equal(metadata.training.step, 6);
      assert.equal(metadata.training.epoch, 1);
      const conditional = c.preset.startsWith('c');
      assert.deepEqual(metadata.classes, conditional ? ['circle', 'cross', 'square', 'triangle'].map((name, id) => ({ id, name })) : []);
      assert.deepEqual(metadata.inputs?.map((i) => i.name), conditional ? ['noise', 'class'] : ['noise']);
      assert.equal(metadata.model, 'model.json');
    });
  });
}

/** The official ONNX checker, where a Python with the onnx package is at hand (GAN_STUDIO_PYTHON, python3, Debian's python3-onnx). */
test('the onnx package checker accepts the export (full check with shape inference)', async (t) => {
  const python = await findPython('onnx');
  if (!python) {
    t.skip('no Python here has the onnx package (apt-get install python3-onnx, pip install onnx, or set GAN_STUDIO_PYTHON); the parse-back check above still runs');
    return;
  }
  for (const c of presetCases.filter((p) => p.preset.startsWith('c'))) {
    const trained = await trainCase(c, 2);
    try {
      const outDir = join(work, `${c.preset} python check`);
      await exportCheckpoint(trained.checkpointDir, 'onnx', outDir);
      const script = 'import onnx, sys; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print(len(m.graph.node))';
      const nodes = execFileSync(python, ['-c', script, join(outDir, 'generator.onnx')], { encoding: 'utf8' });
      assert.ok(Number(nodes) > 5);
    } finally {
      await trained.cleanup();
    }
  }
});

/**
 * TF's 'same' transposed convolution pads the forward convolution it is the gradient of; ONNX
 * needs pads and output_padding that give the same picture. Checked numerically for the DCGAN
 * case (kernel 4, stride 2) and the others a generator could use, from odd and even sizes.
 */
test('ConvTranspose padding reproduces TensorFlow for kernel/stride/padding combinations', async (t) => {
  assert.deepEqual(transposedPadding(7, 4, 2, 'same'), { before: 1, after: 1, outputPadding: 0, size: 14 });
  assert.deepEqual(transposedPadding(4, 3, 2, 'same'), { before: 0, after: 1, outputPadding: 0, size: 8 });
  assert.deepEqual(transposedPadding(4, 2, 3, 'valid'), { before: 0, after: 0, outputPadding: 1, size: 12 });
  await tf.setBackend('cpu');
  const combos: [number, number, 'same' | 'valid', number][] = [
    [4, 2, 'same', 4],
    [4, 2, 'same', 7],
    [3, 2, 'same', 5],
    [5, 2, 'same', 4],
    [3, 1, 'same', 6],
    [4, 2, 'valid', 3],
    [2, 3, 'valid', 4],
    [5, 3, 'same', 3],
  ];
  try {
    for (const [kernel, stride, padding, start] of combos) {
      const noise = tf.input({ shape: [8], name: 'noise' });
      let x = tf.layers.dense({ units: start * start * 3, name: 'g_project' }).apply(noise) as tf.SymbolicTensor;
      x = tf.layers.reshape({ targetShape: [start, start, 3], name: 'g_reshape' }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.conv2dTranspose({ filters: 2, kernelSize: kernel, strides: stride, padding, name: 'g_deconv', biasInitializer: 'randomNormal' }).apply(x) as tf.SymbolicTensor;
      const model = tf.model({ inputs: noise, outputs: x });
      const z = tf.randomNormal([3, 8], 0, 1, 'float32', kernel * 10 + stride);
      const expected = model.predict(z) as tf.Tensor;
      const bytes = encodeOnnxModel({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], producerName: 'test', producerVersion: '0', graph: generatorToOnnxGraph(model) });
      const session = await ort.InferenceSession.create(bytes);
      const out = await session.run({ noise: new ort.Tensor('float32', z.dataSync() as Float32Array, [3, 8]) });
      const label = `kernel ${kernel}, stride ${stride}, ${padding}, from ${start}x${start}`;
      assert.deepEqual(out.image.dims, expected.shape, `${label}: shape`);
      const diff = maxAbsDiff(expected.dataSync(), out.image.data as Float32Array);
      assert.ok(diff < 1e-5, `${label}: differs by ${diff}`);
      t.diagnostic(`${label} -> ${expected.shape.slice(1, 3).join('x')}: max difference ${diff.toExponential(2)}`);
      tf.dispose([z, expected]);
      model.dispose();
      await session.release();
    }
  } finally {
    await tf.setBackend(TRAINING_BACKEND);
  }
});

test('a batch norm that cannot be folded is kept as BatchNormalization, on flat and image values', async () => {
  await tf.setBackend('cpu');
  try {
    const noise = tf.input({ shape: [8], name: 'noise' });
    let x = tf.layers.dense({ units: 48, activation: 'relu', name: 'g_dense' }).apply(noise) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: 'g_bn_flat' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reshape({ targetShape: [4, 4, 3], name: 'g_reshape' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2dTranspose({ filters: 2, kernelSize: 4, strides: 2, padding: 'same', name: 'g_deconv' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.leakyReLU({ alpha: 0.2, name: 'g_lrelu' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: 'g_bn_image', epsilon: 1e-3 }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: noise, outputs: x });
    // Weights always have a concrete shape (no free batch dimension).
    const shapeOf = (w: tf.LayerVariable) => w.shape as number[];
    model.setWeights(model.weights.map((w, i) => (w.originalName.endsWith('variance') ? tf.randomUniform(shapeOf(w), 0.5, 2, 'float32', i) : tf.randomNormal(shapeOf(w), 0, 0.7, 'float32', i))));
    const graph = generatorToOnnxGraph(model);
    assert.equal(graph.node.filter((n) => n.opType === 'BatchNormalization').length, 2);
    const z = tf.randomNormal([4, 8], 0, 1, 'float32', 1);
    const expected = model.predict(z) as tf.Tensor;
    const session = await ort.InferenceSession.create(encodeOnnxModel({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], producerName: 'test', producerVersion: '0', graph }));
    const out = await session.run({ noise: new ort.Tensor('float32', z.dataSync() as Float32Array, [4, 8]) });
    assert.ok(maxAbsDiff(expected.dataSync(), out.image.data as Float32Array) < 1e-5);
    await session.release();
    tf.dispose([z, expected]);
    model.dispose();
  } finally {
    await tf.setBackend(TRAINING_BACKEND);
  }
});
