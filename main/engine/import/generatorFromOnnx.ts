import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { EXPORT_FORMAT_VERSION, exportMetadataSchema, type ExportMetadata } from '../../../shared/export.js';
import { presets, type PresetParams } from '../../../shared/presets.js';
import { parseVersioned } from '../../../shared/validation.js';
import type { TrainedGenerator } from '../checkpoint/openGenerator.js';
import { buildModels, resolveParams } from '../models/buildModels.js';
import { generatorToOnnxGraph } from '../export/onnx/fromLayers.js';
import { decodeOnnxModel, OnnxDataType, type OnnxGraph, type OnnxModel, type OnnxTensor } from '../export/onnx/onnxProto.js';
import { matchGraph } from './onnxGraphMatch.js';

export interface OnnxGenerator {
  metadata: ExportMetadata;
  params: PresetParams;
  models: TrainedGenerator;
  /** The ONNX producer name and version, e.g. "GAN Studio 0.1.0". */
  producer: string;
}

/** Constants that carry trained values; every other constant (shapes, the pixel scale) must equal the studio's. */
const WEIGHT = /_(kernel|bias|table|scale|shift)$/;
/** How far a weight may move on its way through the TF.js model and back (folding batch norm twice), relative to its largest value. */
const ROUND_TRIP_TOLERANCE = 1e-5;

/**
 * Opens a generator in GAN Studio's ONNX contract (a studio export, or generator.onnx from the
 * PyTorch job) as the studio's own TF.js generator. The embedded metadata says the preset, its
 * parameters, the image shape and the classes; the generator is built from them, and the file's
 * graph must be, op for op, the graph the studio's ONNX export writes for that generator. Its
 * weights then go into the layers (batch norm folded in the file stays folded: scale 1, the
 * folded bias as beta), and the model is exported again and compared with the file, so nothing
 * is imported that would draw different images.
 */
export async function readOnnxGenerator(path: string): Promise<OnnxGenerator> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'ENOENT' ? `No file at ${path}` : `Cannot read ${path}: ${error.message}`);
  });
  let model: OnnxModel;
  try {
    model = decodeOnnxModel(bytes);
  } catch (error) {
    throw new Error(`${path} is not an ONNX model (${(error as Error).message})`);
  }
  const embedded = model.metadataProps?.find((p) => p.key === 'gan_studio')?.value;
  if (!embedded || !model.graph) {
    throw new Error(`${path} carries no GAN Studio metadata (metadata_props "gan_studio"): import-generator reads generators written by GAN Studio's ONNX export or by its PyTorch job`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(embedded);
  } catch (error) {
    throw new Error(`${path}: the embedded GAN Studio metadata is not JSON (${(error as Error).message})`);
  }
  const metadata = parseVersioned(exportMetadataSchema, raw, `${path} (embedded metadata)`, 'export', EXPORT_FORMAT_VERSION);
  const preset = presets[metadata.preset];
  const params = resolveParams(metadata.preset, metadata.params);
  if (metadata.conditional !== preset.conditional) throw new Error(`${path}: the metadata says conditional=${metadata.conditional}, but ${metadata.preset} is ${preset.conditional ? '' : 'not '}conditional`);
  if (metadata.noise.size !== params.noiseSize) throw new Error(`${path}: the metadata says noise size ${metadata.noise.size}, its parameters ${params.noiseSize}`);
  const shape = { height: metadata.image.height, width: metadata.image.width, channels: metadata.image.channels, classes: metadata.classes.length };
  const built = buildModels(metadata.preset, params, shape, metadata.training.seed);
  built.discriminator.dispose();
  try {
    const reference = generatorToOnnxGraph(built.generator);
    let constants: Map<string, OnnxTensor>;
    try {
      constants = matchGraph(reference, model.graph);
    } catch (error) {
      throw new Error(`${path} is not the ${preset.title} generator GAN Studio builds for these parameters: ${(error as Error).message}`);
    }
    const values = checkConstants(path, reference, constants);
    setWeights(built.generator, values, reference);
    checkRoundTrip(path, built.generator, values);
  } catch (error) {
    built.generator.dispose();
    throw error;
  }
  const producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ') || 'unknown';
  return { metadata, params, producer, models: { generator: built.generator, conditional: built.conditional, noiseSize: built.noiseSize, shape } };
}

/** The float values of every weight; fixed constants must be byte for byte the studio's, weights finite. */
function checkConstants(path: string, reference: OnnxGraph, constants: Map<string, OnnxTensor>): Map<string, Float32Array> {
  const values = new Map<string, Float32Array>();
  for (const want of reference.initializer) {
    const have = constants.get(want.name)!;
    if (!WEIGHT.test(want.name)) {
      if (!sameBytes(bytesOf(have), bytesOf(want))) throw new Error(`${path}: the constant in place of ${want.name} differs from GAN Studio's`);
      continue;
    }
    if (have.dataType !== OnnxDataType.FLOAT) throw new Error(`${path}: the weight in place of ${want.name} is not float32`);
    const floats = floatsOf(have);
    if (floats.some((v) => !Number.isFinite(v))) throw new Error(`${path}: the weight in place of ${want.name} holds NaN or infinite values`);
    values.set(want.name, floats);
  }
  return values;
}

interface LayerEntry {
  name: string;
  className: string;
  inboundNodes: [string, number, number, unknown][][];
}

/**
 * Puts the file's weights into the layers. A batch norm the file folded into the layer before it
 * becomes the identity plus the folded bias: gamma 1, beta = bias, mean 0, variance 1 - epsilon.
 */
function setWeights(generator: tf.LayersModel, values: Map<string, Float32Array>, reference: OnnxGraph): void {
  const entries = (generator.getConfig() as unknown as { layers: LayerEntry[] }).layers;
  const names = new Set(reference.initializer.map((t) => t.name));
  const foldedInto = new Map<string, string>();
  for (const entry of entries) {
    if (entry.className === 'BatchNormalization' && !names.has(`${entry.name}_scale`)) foldedInto.set(entry.inboundNodes[0][0][0], entry.name);
  }
  const assigned = new Map<string, Map<string, tf.Tensor>>();
  const put = (layer: string, short: string, tensor: tf.Tensor) => {
    if (!assigned.has(layer)) assigned.set(layer, new Map());
    assigned.get(layer)!.set(short, tensor);
  };
  try {
    for (const layer of generator.layers) {
      if (layer.weights.length === 0) continue;
      const name = layer.name;
      const shapeOf = (short: string) => layer.weights.find((w) => shortName(w.originalName) === short)!.shape as number[];
      const get = (suffix: string) => {
        const v = values.get(`${name}_${suffix}`);
        if (!v) throw new Error(`no ${name}_${suffix} in the reference graph`);
        return v;
      };
      switch (layer.getClassName()) {
        case 'Embedding':
          put(name, 'embeddings', tf.tensor(get('table'), shapeOf('embeddings')));
          break;
        case 'Dense':
        case 'Conv2DTranspose': {
          const transposed = layer.getClassName() === 'Conv2DTranspose';
          const kernelShape = shapeOf('kernel');
          // ONNX ConvTranspose weight [in, out, kh, kw] -> TF.js [kh, kw, out, in].
          const kernel = transposed ? tf.tidy(() => tf.transpose(tf.tensor(get('kernel'), [kernelShape[3], kernelShape[2], kernelShape[0], kernelShape[1]]), [2, 3, 1, 0])) : tf.tensor(get('kernel'), kernelShape);
          put(name, 'kernel', kernel);
          const norm = foldedInto.get(name);
          const hasBias = layer.weights.some((w) => shortName(w.originalName) === 'bias');
          if (norm) {
            if (hasBias) put(name, 'bias', tf.zeros(shapeOf('bias')));
            put(norm, 'beta', tf.tensor(get('bias')));
          } else if (hasBias) put(name, 'bias', tf.tensor(get('bias'), shapeOf('bias')));
          break;
        }
        case 'BatchNormalization': {
          const epsilon = (layer.getConfig() as { epsilon: number }).epsilon;
          const channels = shapeOf('moving_mean');
          const unfolded = names.has(`${name}_scale`);
          put(name, 'gamma', unfolded ? tf.tensor(get('scale'), channels) : tf.ones(channels));
          if (unfolded) put(name, 'beta', tf.tensor(get('shift'), channels));
          put(name, 'moving_mean', tf.zeros(channels));
          put(name, 'moving_variance', tf.fill(channels, 1 - epsilon));
          break;
        }
        default:
          throw new Error(`the ${layer.getClassName()} layer ${name} has weights this import does not know`);
      }
    }
    for (const layer of generator.layers) {
      if (layer.weights.length === 0) continue;
      const given = assigned.get(layer.name);
      layer.setWeights(
        layer.weights.map((w) => {
          const tensor = given?.get(shortName(w.originalName));
          if (!tensor) throw new Error(`no value for ${w.originalName}`);
          return tensor;
        }),
      );
    }
  } finally {
    for (const layer of assigned.values()) tf.dispose([...layer.values()]);
  }
}

/** Exports the filled model again and compares every weight with the file's. */
function checkRoundTrip(path: string, generator: tf.LayersModel, values: Map<string, Float32Array>): void {
  const again = generatorToOnnxGraph(generator);
  for (const tensor of again.initializer) {
    const want = values.get(tensor.name);
    if (!want) continue;
    const have = floatsOf(tensor);
    let scale = 1;
    let worst = 0;
    for (let i = 0; i < want.length; i++) {
      scale = Math.max(scale, Math.abs(want[i]));
      worst = Math.max(worst, Math.abs(want[i] - have[i]));
    }
    if (have.length !== want.length || worst > ROUND_TRIP_TOLERANCE * scale) {
      throw new Error(`${path}: the weight ${tensor.name} did not come through the import intact (max difference ${worst})`);
    }
  }
}

const shortName = (name: string): string => name.split('/').pop()!.replace(/_\d+$/, '');

function bytesOf(t: OnnxTensor): Uint8Array {
  return t.rawData ?? new Uint8Array();
}

function floatsOf(t: OnnxTensor & { floatData?: number[] }): Float32Array {
  if (t.rawData?.length) {
    // A copy: the decoder's bytes may be a view at any offset, and floats need one aligned to 4.
    const copy = Uint8Array.from(t.rawData);
    return new Float32Array(copy.buffer);
  }
  return Float32Array.from(t.floatData ?? []);
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
