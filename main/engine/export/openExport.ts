import * as tf from '@tensorflow/tfjs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { EXPORT_FORMAT_VERSION, EXPORT_METADATA_FILE, exportMetadataSchema, modelIO, type ExportMetadata } from '../../../shared/export.js';
import { parseVersioned } from '../../../shared/validation.js';
import { readLayersModel } from '../checkpoint/generatorFiles.js';
import { toPixels } from '../samples/generate.js';
import { decodeOnnxModel } from './onnx/onnxProto.js';
import { parseWebModel, WEB_MODEL_FILE } from './web.js';

/** An exported generator opened for drawing, without its project. */
export interface ExportedGenerator {
  kind: 'tfjs' | 'onnx';
  /** The model file that was opened. */
  modelFile: string;
  metadata: ExportMetadata;
  /** Pixels (uint8, N x H x W x C) for N noise rows and, when conditional, N class ids. */
  draw(noise: Float32Array, classIds: number[], count: number): Promise<Uint8Array>;
  dispose(): Promise<void>;
}

/**
 * Opens an export made by GAN Studio: a TF.js folder or its model.json, an ONNX folder or its
 * .onnx file, or a web page folder (its model.js). The metadata.json beside the model says the
 * noise size and classes; an .onnx file on its own carries the same metadata inside.
 * ONNX models run on onnxruntime-node, loaded only when needed because it is an optional install.
 */
export async function openExportedGenerator(path: string): Promise<ExportedGenerator> {
  const modelFile = await findModelFile(resolve(path));
  const kind = modelFile.endsWith('.onnx') ? 'onnx' : 'tfjs';
  const bytes = kind === 'onnx' ? await readFile(modelFile) : undefined;
  const metadata = await readMetadata(modelFile, bytes);
  return kind === 'onnx' ? openOnnx(modelFile, bytes!, metadata) : openTfjs(modelFile, metadata);
}

async function findModelFile(path: string): Promise<string> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new Error(`No exported model at ${path}`);
  if (info.isFile()) {
    if (path.endsWith('.onnx') || basename(path) === 'model.json' || basename(path) === WEB_MODEL_FILE) return path;
    throw new Error(`${path} is neither an .onnx file nor a TF.js model.json (or a web page's ${WEB_MODEL_FILE})`);
  }
  const metadata = await readFile(join(path, EXPORT_METADATA_FILE), 'utf8').then(
    (text) => (JSON.parse(text) as { model?: unknown }).model,
    () => undefined,
  );
  if (typeof metadata === 'string') return join(path, metadata);
  const names = await readdir(path);
  const onnx = names.find((n) => n.endsWith('.onnx'));
  if (onnx) return join(path, onnx);
  if (names.includes('model.json')) return join(path, 'model.json');
  throw new Error(`${path} holds no exported model (no metadata.json, .onnx file or model.json); export one with "gan-studio export --format tfjs|onnx"`);
}

async function readMetadata(modelFile: string, onnxBytes: Uint8Array | undefined): Promise<ExportMetadata> {
  const beside = join(dirname(modelFile), EXPORT_METADATA_FILE);
  let raw: unknown;
  let where = beside;
  try {
    raw = JSON.parse(await readFile(beside, 'utf8'));
  } catch (error) {
    const embedded = onnxBytes && decodeOnnxModel(onnxBytes).metadataProps?.find((p) => p.key === 'gan_studio')?.value;
    if (!embedded) throw new Error(`${beside} is missing or unreadable (${(error as Error).message}); it says the noise size and classes the model needs`);
    raw = JSON.parse(embedded);
    where = `${modelFile} (embedded metadata)`;
  }
  return parseVersioned(exportMetadataSchema, raw, where, 'export', EXPORT_FORMAT_VERSION);
}

async function openTfjs(modelFile: string, metadata: ExportMetadata): Promise<ExportedGenerator> {
  const model =
    basename(modelFile) === WEB_MODEL_FILE
      ? await tf.loadLayersModel(tf.io.fromMemory(parseWebModel(await readFile(modelFile, 'utf8'), modelFile) as tf.io.ModelArtifacts))
      : await readLayersModel(dirname(modelFile));
  return {
    kind: 'tfjs',
    modelFile,
    metadata,
    async draw(noise, classIds, count) {
      const pixels = tf.tidy(() => {
        const inputs = [tf.tensor2d(noise, [count, metadata.noise.size])];
        if (metadata.conditional) inputs.push(tf.tensor2d(Float32Array.from(classIds), [count, 1]));
        return toPixels(model.predict(inputs) as tf.Tensor);
      });
      try {
        return Uint8Array.from(await pixels.data());
      } finally {
        pixels.dispose();
      }
    },
    async dispose() {
      model.dispose();
    },
  };
}

async function openOnnx(modelFile: string, bytes: Uint8Array, metadata: ExportMetadata): Promise<ExportedGenerator> {
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch (error) {
    throw new Error(`Running an ONNX model needs onnxruntime-node (npm install onnxruntime-node): ${(error as Error).message}. The TF.js export runs without it.`);
  }
  const session = await ort.InferenceSession.create(bytes);
  return {
    kind: 'onnx',
    modelFile,
    metadata,
    async draw(noise, classIds, count) {
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
        [modelIO.noise]: new ort.Tensor('float32', noise, [count, metadata.noise.size]),
      };
      if (metadata.conditional) feeds[modelIO.onnxClass] = new ort.Tensor('int64', BigInt64Array.from(classIds, BigInt), [count]);
      const result = await session.run(feeds, [modelIO.pixels]);
      return Uint8Array.from(result[modelIO.pixels].data as Uint8Array);
    },
    async dispose() {
      await session.release();
    },
  };
}
