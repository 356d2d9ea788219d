import * as tf from '@tensorflow/tfjs';
import { modelIO } from '../../../../shared/export.js';
import { attr, GraphBuilder, type Dim } from './graphBuilder.js';
import { OnnxDataType, type OnnxGraph } from './onnxProto.js';

/**
 * How a value is laid out. Keras layers here are channels-last (NHWC); ONNX convolutions are
 * channels-first (NCHW), so image-shaped values carry their layout and are transposed only
 * where a layer needs the other one. 'ids' is the int64 class id vector [batch].
 */
type Layout = 'flat' | 'NHWC' | 'NCHW' | 'ids';
interface Value {
  name: string;
  layout: Layout;
  /** Shape without the batch dimension, in this value's own order. */
  shape: number[];
}

interface LayerEntry {
  name: string;
  className: string;
  config: Record<string, unknown>;
  inboundNodes: [string, number, number, unknown][][];
}

/** Batch norm in inference form, y = x * scale + shift, per channel. */
interface FoldedNorm {
  scale: Float32Array;
  shift: Float32Array;
}

const BATCH = 'batch';

/**
 * Writes a generator (a tfjs functional Layers model) as an ONNX graph, layer by layer:
 * Dense -> Gemm, Conv2DTranspose -> ConvTranspose, Embedding -> Gather, ReLU/LeakyReLU/tanh,
 * Reshape, Flatten, Concatenate. Batch norm is folded into the Dense or transposed convolution
 * before it (inference statistics), or kept as BatchNormalization where nothing precedes it.
 * Inputs: noise float32 [batch, N] (and class_id int64 [batch]); outputs: image float32
 * [batch, H, W, C] in [-1, 1] and pixels uint8 [batch, H, W, C].
 */
export function generatorToOnnxGraph(model: tf.LayersModel): OnnxGraph {
  const layers = (model.getConfig() as unknown as { layers: LayerEntry[] }).layers;
  const consumers = countConsumers(layers);
  const folds = new Map<string, FoldedNorm>();
  const folded = new Set<string>();
  for (const entry of layers) {
    if (entry.className !== 'BatchNormalization') continue;
    const producer = layers.find((l) => l.name === inboundNames(entry)[0]);
    const foldable = producer && (producer.className === 'Dense' || producer.className === 'Conv2DTranspose') && producer.config.activation === 'linear' && consumers.get(producer.name) === 1;
    if (foldable) {
      folds.set(producer.name, normAsScale(model.getLayer(entry.name), entry.config));
      folded.add(entry.name);
    }
  }

  const g = new GraphBuilder();
  const values = new Map<string, Value>();
  const [noiseName, classLayerName] = model.inputNames;
  const noiseSize = model.inputs[0].shape[1] as number;
  // Graph inputs in the model's order (noise first), whatever order the layers are listed in.
  const graphInputs = new Map<string, Value>([[noiseName, { name: g.input(modelIO.noise, OnnxDataType.FLOAT, [BATCH, noiseSize], `Noise z, float32 [batch, ${noiseSize}], drawn from N(0, 1)`), layout: 'flat', shape: [noiseSize] }]]);
  if (classLayerName) {
    graphInputs.set(classLayerName, { name: g.input(modelIO.onnxClass, OnnxDataType.INT64, [BATCH], 'Class id per image, int64 [batch], 0 <= id < number of classes'), layout: 'ids', shape: [] });
  }

  const convert = (entry: LayerEntry): Value => {
    const layer = model.getLayer(entry.name);
    const config = entry.config;
    const sources = inboundNames(entry).map((n) => {
      const v = values.get(n);
      if (!v) throw new Error(`Layer ${entry.name} reads ${n}, which is not converted yet`);
      return v;
    });
    const x = sources[0];
    switch (entry.className) {
      case 'InputLayer': {
        const input = graphInputs.get(entry.name);
        if (!input) throw new Error(`Unexpected model input ${entry.name}`);
        return input;
      }
      case 'Embedding': {
        if (x.layout !== 'ids') throw new Error(`Embedding ${entry.name} must read the class input`);
        const table = weight(layer, 'embeddings');
        const outputDim = config.outputDim as number;
        const w = g.floats(`${entry.name}_table`, [config.inputDim as number, outputDim], table);
        return { name: g.node('Gather', [w, x.name], entry.name, [attr.int('axis', 0)]), layout: 'flat', shape: [outputDim] };
      }
      case 'Flatten': {
        if (x.layout === 'flat') return x;
        const nhwc = toLayout(g, x, 'NHWC');
        return { name: g.node('Flatten', [nhwc.name], entry.name, [attr.int('axis', 1)]), layout: 'flat', shape: [product(x.shape)] };
      }
      case 'Concatenate': {
        if (config.axis !== -1) throw new Error(`Concatenate ${entry.name}: only the last axis is supported`);
        const parts = sources.map((v) => (v.layout === 'NCHW' ? toLayout(g, v, 'NHWC') : v));
        const rank = parts[0].shape.length;
        const shape = [...parts[0].shape.slice(0, -1), parts.reduce((sum, v) => sum + (v.shape.at(-1) as number), 0)];
        return { name: g.node('Concat', parts.map((v) => v.name), entry.name, [attr.int('axis', rank)]), layout: parts[0].layout, shape };
      }
      case 'Dense': {
        if (x.layout !== 'flat') throw new Error(`Dense ${entry.name} on a ${x.shape.length + 1}-D value is not supported`);
        const units = config.units as number;
        let kernel = weight(layer, 'kernel');
        let bias = config.useBias ? weight(layer, 'bias') : new Float32Array(units);
        const fold = folds.get(entry.name);
        if (fold) ({ kernel, bias } = foldIntoLastAxis(kernel, bias, fold));
        const operands = [x.name, g.floats(`${entry.name}_kernel`, [x.shape[0], units], kernel)];
        if (config.useBias || fold) operands.push(g.floats(`${entry.name}_bias`, [units], bias));
        const y: Value = { name: g.node('Gemm', operands, entry.name), layout: 'flat', shape: [units] };
        return activation(g, y, config.activation as string, entry.name);
      }
      case 'Conv2DTranspose':
        return convTranspose(g, layer, entry, toLayout(g, x, 'NCHW'), folds.get(entry.name));
      case 'BatchNormalization': {
        // A folded batch norm is already in the layer before it.
        return folded.has(entry.name) ? x : batchNorm(g, layer, entry, x);
      }
      case 'ReLU': {
        const maxValue = config.maxValue as number | null | undefined;
        if (maxValue == null) return { ...x, name: g.node('Relu', [x.name], entry.name) };
        return { ...x, name: g.node('Clip', [x.name, g.floats(`${entry.name}_min`, [], Float32Array.of(0)), g.floats(`${entry.name}_max`, [], Float32Array.of(maxValue))], entry.name) };
      }
      case 'LeakyReLU':
        return { ...x, name: g.node('LeakyRelu', [x.name], entry.name, [attr.float('alpha', config.alpha as number)]) };
      case 'Activation':
        return activation(g, x, config.activation as string, entry.name);
      case 'Reshape': {
        const target = config.targetShape as number[];
        const source = x.layout === 'NCHW' ? toLayout(g, x, 'NHWC') : x;
        const name = g.node('Reshape', [source.name, g.int64s(`${entry.name}_shape`, [0, ...target])], entry.name);
        return { name, layout: target.length === 3 ? 'NHWC' : 'flat', shape: target };
      }
      default:
        throw new Error(`The ONNX export does not know the ${entry.className} layer (${entry.name})`);
    }
  };

  for (const entry of layers) values.set(entry.name, convert(entry));

  const last = values.get(model.outputNames[0]);
  if (!last || last.shape.length !== 3) throw new Error('The generator must end in an image (height x width x channels)');
  const image = toLayout(g, last, 'NHWC');
  const imageShape: Dim[] = [BATCH, ...image.shape];
  g.rename(image.name, modelIO.image);
  g.output(modelIO.image, OnnxDataType.FLOAT, imageShape, 'Images, float32 [batch, height, width, channels] (NHWC), values in [-1, 1]');
  writePixels(g, modelIO.image);
  g.output(modelIO.pixels, OnnxDataType.UINT8, imageShape, 'The same images as uint8 pixels [batch, height, width, channels]: clip(round((image + 1) * 127.5), 0, 255)');
  return g.build('generator', 'GAN Studio generator');
}

/** pixels = uint8(clip(round((image + 1) * 127.5), 0, 255)): the engine's toPixels. */
function writePixels(g: GraphBuilder, image: string): void {
  const shifted = g.node('Add', [image, g.floats('one', [], Float32Array.of(1))], 'shifted');
  const scaled = g.node('Mul', [shifted, g.floats('half_255', [], Float32Array.of(127.5))], 'scaled');
  const rounded = g.node('Round', [scaled], 'rounded');
  const clipped = g.node('Clip', [rounded, g.floats('zero', [], Float32Array.of(0)), g.floats('max_255', [], Float32Array.of(255))], 'clipped');
  const pixels = g.node('Cast', [clipped], 'pixels_cast', [attr.int('to', OnnxDataType.UINT8)]);
  g.rename(pixels, modelIO.pixels);
}

function convTranspose(g: GraphBuilder, layer: tf.layers.Layer, entry: LayerEntry, x: Value, fold: FoldedNorm | undefined): Value {
  const c = entry.config;
  if (c.dataFormat !== 'channelsLast') throw new Error(`${entry.name}: only channels-last transposed convolutions are supported`);
  const dilation = (c.dilationRate as number[] | number | undefined) ?? 1;
  if ([dilation].flat().some((d) => d !== 1)) throw new Error(`${entry.name}: dilated transposed convolutions are not supported`);
  const [kh, kw] = c.kernelSize as number[];
  const [sh, sw] = c.strides as number[];
  const filters = c.filters as number;
  const [inC, inH, inW] = x.shape;
  const h = transposedPadding(inH, kh, sh, c.padding as string);
  const w = transposedPadding(inW, kw, sw, c.padding as string);
  // tfjs kernel [kh, kw, out, in] -> ONNX ConvTranspose weight [in, out, kh, kw].
  const transposed = tf.transpose(layer.getWeights()[layer.weights.findIndex((v) => v.originalName.endsWith('/kernel'))], [3, 2, 0, 1]);
  const kernel = Float32Array.from(transposed.dataSync() as Float32Array);
  transposed.dispose();
  let bias = c.useBias ? weight(layer, 'bias') : new Float32Array(filters);
  if (fold) {
    const perOut = kh * kw;
    for (let i = 0; i < kernel.length; i++) kernel[i] *= fold.scale[Math.floor(i / perOut) % filters];
    bias = bias.map((b, o) => b * fold.scale[o] + fold.shift[o]);
  }
  const operands = [x.name, g.floats(`${entry.name}_kernel`, [inC, filters, kh, kw], kernel)];
  if (c.useBias || fold) operands.push(g.floats(`${entry.name}_bias`, [filters], bias));
  const name = g.node('ConvTranspose', operands, entry.name, [
    attr.ints('kernel_shape', [kh, kw]),
    attr.ints('strides', [sh, sw]),
    attr.ints('pads', [h.before, w.before, h.after, w.after]),
    attr.ints('output_padding', [h.outputPadding, w.outputPadding]),
  ]);
  return activation(g, { name, layout: 'NCHW', shape: [filters, h.size, w.size] }, c.activation as string, entry.name);
}

/**
 * Padding that makes ONNX ConvTranspose give TensorFlow's output. TF pads the forward
 * convolution its transposed one is the gradient of: 'same' needs max(k - s, 0) in all, the
 * smaller half first, and an output of in * s; 'valid' pads nothing and gives in * s + max(k - s, 0).
 * ONNX gives s * (in - 1) + output_padding + k - before - after, so output_padding makes up the rest.
 */
export function transposedPadding(size: number, kernel: number, stride: number, padding: string): { before: number; after: number; outputPadding: number; size: number } {
  if (padding !== 'same' && padding !== 'valid') throw new Error(`Unknown padding "${padding}"`);
  const total = padding === 'same' ? Math.max(kernel - stride, 0) : 0;
  const out = padding === 'same' ? size * stride : size * stride + Math.max(kernel - stride, 0);
  const before = Math.floor(total / 2);
  const after = total - before;
  const outputPadding = out - (stride * (size - 1) + kernel - total);
  if (outputPadding < 0 || outputPadding >= stride) throw new Error(`No ONNX padding gives TF's output for size ${size}, kernel ${kernel}, stride ${stride}`);
  return { before, after, outputPadding, size: out };
}

function batchNorm(g: GraphBuilder, layer: tf.layers.Layer, entry: LayerEntry, x: Value): Value {
  const axis = entry.config.axis as number;
  if (axis !== -1 && axis !== x.shape.length) throw new Error(`${entry.name}: batch norm over axis ${axis} is not supported`);
  const input = x.layout === 'NHWC' ? toLayout(g, x, 'NCHW') : x;
  const { scale, shift } = normAsScale(layer, entry.config);
  const channels = scale.length;
  const params = [
    g.floats(`${entry.name}_scale`, [channels], scale),
    g.floats(`${entry.name}_shift`, [channels], shift),
    g.floats(`${entry.name}_mean`, [channels], new Float32Array(channels)),
    g.floats(`${entry.name}_var`, [channels], new Float32Array(channels).fill(1)),
  ];
  // Mean 0, variance 1 and epsilon 0 keep the op an exact y = x * scale + shift.
  return { ...input, name: g.node('BatchNormalization', [input.name, ...params], entry.name, [attr.float('epsilon', 0)]) };
}

/** gamma / sqrt(var + eps) and beta - mean * that, from the layer's moving statistics. */
function normAsScale(layer: tf.layers.Layer, config: Record<string, unknown>): FoldedNorm {
  const mean = weight(layer, 'moving_mean');
  const variance = weight(layer, 'moving_variance');
  const gamma = config.scale === false ? new Float32Array(mean.length).fill(1) : weight(layer, 'gamma');
  const beta = config.center === false ? new Float32Array(mean.length) : weight(layer, 'beta');
  const epsilon = config.epsilon as number;
  const scale = gamma.map((gm, i) => gm / Math.sqrt(variance[i] + epsilon));
  const shift = beta.map((b, i) => b - mean[i] * scale[i]);
  return { scale, shift };
}

/** Folds y = (x W + b) * scale + shift into x W' + b' for a [in, out] kernel. */
function foldIntoLastAxis(kernel: Float32Array, bias: Float32Array, fold: FoldedNorm): { kernel: Float32Array; bias: Float32Array } {
  const units = bias.length;
  return {
    kernel: kernel.map((k, i) => k * fold.scale[i % units]),
    bias: bias.map((b, o) => b * fold.scale[o] + fold.shift[o]),
  };
}

function activation(g: GraphBuilder, x: Value, name: string | undefined, hint: string): Value {
  const ops: Record<string, string> = { tanh: 'Tanh', relu: 'Relu', sigmoid: 'Sigmoid' };
  if (!name || name === 'linear') return x;
  const op = ops[name];
  if (!op) throw new Error(`${hint}: the ${name} activation is not supported by the ONNX export`);
  return { ...x, name: g.node(op, [x.name], `${hint}_${name}`) };
}

function toLayout(g: GraphBuilder, x: Value, want: 'NHWC' | 'NCHW'): Value {
  if (x.layout === want) return x;
  if (x.layout !== 'NHWC' && x.layout !== 'NCHW') throw new Error(`A ${x.layout} value cannot become ${want}`);
  const [a, b, c] = x.shape;
  const toNchw = want === 'NCHW';
  const name = g.node('Transpose', [x.name], `${x.name}_${want.toLowerCase()}`, [attr.ints('perm', toNchw ? [0, 3, 1, 2] : [0, 2, 3, 1])]);
  return { name, layout: want, shape: toNchw ? [c, a, b] : [b, c, a] };
}

/** A layer weight by its short name (kernel, bias, gamma, ...), as float32 values. */
function weight(layer: tf.layers.Layer, short: string): Float32Array {
  const index = layer.weights.findIndex((w) => w.originalName.split('/').pop() === short);
  if (index < 0) throw new Error(`Layer ${layer.name} has no ${short} weight`);
  return Float32Array.from(layer.getWeights()[index].dataSync() as Float32Array);
}

function inboundNames(entry: LayerEntry): string[] {
  if (entry.inboundNodes.length > 1) throw new Error(`Layer ${entry.name} is applied ${entry.inboundNodes.length} times; shared layers are not supported`);
  return (entry.inboundNodes[0] ?? []).map(([name]) => name);
}

function countConsumers(layers: LayerEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of layers) for (const name of inboundNames(entry)) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

const product = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);
