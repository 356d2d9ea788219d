import type { Dim } from './graphBuilder.js';
import { OnnxDataType, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxValueInfo } from './onnxProto.js';

interface Known {
  elemType: number;
  shape: Dim[];
}

const bytesPerElement: Record<number, number> = { [OnnxDataType.FLOAT]: 4, [OnnxDataType.UINT8]: 1, [OnnxDataType.INT64]: 8 };
const MIN_OPSET = 13;

/**
 * Checks an ONNX model the way a reader would meet it: a default-domain opset >= 13; initializer
 * sizes that match their dims; every node input defined before use and every value defined once;
 * every op one this checker knows, with its attributes; and shapes and types inferred node by node
 * (with the batch dimension symbolic) agreeing with each other and with the declared outputs.
 * Returns the problems found (none for a good model) and the inferred shapes.
 */
export function checkOnnxModel(model: OnnxModel): { problems: string[]; values: Map<string, Known> } {
  const problems: string[] = [];
  const values = new Map<string, Known>();
  const opset = model.opsetImport?.find((o) => !o.domain)?.version ?? 0;
  if (opset < MIN_OPSET) problems.push(`default-domain opset is ${opset}, want >= ${MIN_OPSET}`);
  if (!model.irVersion || model.irVersion < 7) problems.push(`ir_version ${model.irVersion} is below 7 (the version of opset 13)`);
  const graph = model.graph;
  if (!graph) return { problems: [...problems, 'the model has no graph'], values };

  const define = (name: string, known: Known, what: string) => {
    if (!name) problems.push(`${what} has an empty value name`);
    else if (values.has(name)) problems.push(`value "${name}" is defined twice (again by ${what})`);
    values.set(name, known);
  };
  for (const input of graph.input ?? []) define(input.name, declared(input), `graph input ${input.name}`);
  const constants = new Map<string, { dims: number[]; rawData: Uint8Array; dataType: number }>();
  for (const t of graph.initializer ?? []) {
    const dims = t.dims ?? [];
    const want = dims.reduce((a, b) => a * b, 1) * (bytesPerElement[t.dataType] ?? NaN);
    const have = t.rawData?.length ?? 0;
    if (have !== want) problems.push(`initializer ${t.name} holds ${have} bytes; dims [${dims}] of type ${t.dataType} need ${want}`);
    constants.set(t.name, { dims, rawData: t.rawData ?? new Uint8Array(), dataType: t.dataType });
    define(t.name, { elemType: t.dataType, shape: dims }, `initializer ${t.name}`);
  }

  const nodeNames = new Set<string>();
  for (const node of graph.node ?? []) {
    const where = `node ${node.name || '(unnamed)'} (${node.opType})`;
    if (node.name) {
      if (nodeNames.has(node.name)) problems.push(`${where}: node name used twice`);
      nodeNames.add(node.name);
    }
    const inputs: Known[] = [];
    let missing = false;
    for (const name of node.input ?? []) {
      const known = values.get(name);
      if (!known) {
        problems.push(`${where}: input "${name}" is not defined before it is used`);
        missing = true;
      } else inputs.push(known);
    }
    if (missing) continue;
    try {
      const out = inferNode(node, inputs, (name) => constants.get(name));
      if ((node.output ?? []).length !== 1) throw new Error(`has ${(node.output ?? []).length} outputs, want 1`);
      define(node.output[0], out, where);
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
  }

  if (!(graph.output ?? []).length) problems.push('the graph has no outputs');
  for (const output of graph.output ?? []) {
    const known = values.get(output.name);
    if (!known) {
      problems.push(`graph output ${output.name} is never computed`);
      continue;
    }
    const want = declared(output);
    if (want.elemType !== known.elemType) problems.push(`graph output ${output.name} is declared type ${want.elemType} but computed as ${known.elemType}`);
    if (!sameShape(want.shape, known.shape)) problems.push(`graph output ${output.name} is declared [${want.shape}] but computed as [${known.shape}]`);
  }
  return { problems, values };
}

function declared(info: OnnxValueInfo): Known {
  const t = info.type?.tensorType;
  return { elemType: t?.elemType ?? 0, shape: (t?.shape?.dim ?? []).map((d) => d.dimParam ?? d.dimValue ?? '?') };
}

const sameShape = (a: Dim[], b: Dim[]) => a.length === b.length && a.every((d, i) => d === b[i]);

type ConstantOf = (name: string) => { dims: number[]; rawData: Uint8Array; dataType: number } | undefined;

function inferNode(node: OnnxNode, inputs: Known[], constantOf: ConstantOf): Known {
  const a = (name: string) => node.attribute?.find((x) => x.name === name);
  const ints = (name: string): number[] | undefined => a(name)?.ints?.map(Number);
  const int = (name: string, fallback?: number): number => {
    const found: OnnxAttribute | undefined = a(name);
    if (found?.i !== undefined) return Number(found.i);
    if (fallback === undefined) throw new Error(`needs attribute ${name}`);
    return fallback;
  };
  const arity = (min: number, max = min) => {
    if (inputs.length < min || inputs.length > max) throw new Error(`takes ${min}${max > min ? `-${max}` : ''} inputs, got ${inputs.length}`);
  };
  const float = (k: Known, what: string) => {
    if (k.elemType !== OnnxDataType.FLOAT) throw new Error(`${what} must be float32, is type ${k.elemType}`);
  };
  const [x] = inputs;
  switch (node.opType) {
    case 'Relu':
    case 'Tanh':
    case 'Sigmoid':
    case 'Round':
    case 'LeakyRelu':
      arity(1);
      float(x, 'input');
      return x;
    case 'Clip':
      arity(1, 3);
      for (const bound of inputs.slice(1)) if (bound.shape.length !== 0) throw new Error('min and max must be scalars');
      return x;
    case 'Add':
    case 'Mul':
      arity(2);
      if (inputs[0].elemType !== inputs[1].elemType) throw new Error('inputs differ in type');
      return { elemType: x.elemType, shape: broadcast(inputs[0].shape, inputs[1].shape) };
    case 'Cast':
      arity(1);
      return { elemType: int('to'), shape: x.shape };
    case 'Gemm': {
      arity(2, 3);
      if (int('transA', 0) || int('transB', 0)) throw new Error('transposed Gemm operands are not used by the export');
      const [m, k] = x.shape;
      const [k2, n] = inputs[1].shape;
      if (x.shape.length !== 2 || inputs[1].shape.length !== 2) throw new Error('A and B must be 2-D');
      if (k !== k2) throw new Error(`A is [${x.shape}] but B is [${inputs[1].shape}]`);
      if (inputs[2] && !sameShape(broadcast([m, n], inputs[2].shape), [m, n])) throw new Error(`C [${inputs[2].shape}] does not broadcast to [${m},${n}]`);
      return { elemType: x.elemType, shape: [m, n] };
    }
    case 'Gather': {
      arity(2);
      if (int('axis', 0) !== 0) throw new Error('only axis 0 is used by the export');
      const idx = inputs[1];
      if (idx.elemType !== OnnxDataType.INT64) throw new Error('indices must be int64');
      return { elemType: x.elemType, shape: [...idx.shape, ...x.shape.slice(1)] };
    }
    case 'Concat': {
      if (inputs.length < 1) throw new Error('needs inputs');
      const axis = int('axis');
      const rank = x.shape.length;
      if (axis < 0 || axis >= rank) throw new Error(`axis ${axis} outside rank ${rank}`);
      let sum = 0;
      for (const input of inputs) {
        if (input.shape.length !== rank || input.shape.some((d, i) => i !== axis && d !== x.shape[i])) throw new Error(`inputs [${inputs.map((v) => `[${v.shape}]`).join(', ')}] differ off axis ${axis}`);
        if (input.elemType !== x.elemType) throw new Error('inputs differ in type');
        const d = input.shape[axis];
        if (typeof d !== 'number') throw new Error('a symbolic concat axis is not used by the export');
        sum += d;
      }
      return { elemType: x.elemType, shape: x.shape.map((d, i) => (i === axis ? sum : d)) };
    }
    case 'Flatten': {
      arity(1);
      const axis = int('axis', 1);
      if (axis !== 1) throw new Error('only axis 1 is used by the export');
      return { elemType: x.elemType, shape: [x.shape[0], numericProduct(x.shape.slice(1))] };
    }
    case 'Reshape': {
      arity(2);
      const target = constantOf(node.input[1]);
      if (!target || target.dataType !== OnnxDataType.INT64) throw new Error('the shape must be an int64 initializer');
      const dims = Array.from(new BigInt64Array(Uint8Array.from(target.rawData).buffer), Number);
      const shape: Dim[] = dims.map((d, i) => (d === 0 ? x.shape[i] : d));
      if (shape.some((d) => d === -1)) throw new Error('-1 in a shape is not used by the export');
      const before = x.shape.filter((d, i) => !(i === 0 && dims[0] === 0));
      const after = shape.slice(dims[0] === 0 ? 1 : 0);
      if (numericProduct(before) !== numericProduct(after)) throw new Error(`cannot reshape [${x.shape}] to [${shape}]`);
      return { elemType: x.elemType, shape };
    }
    case 'Transpose': {
      arity(1);
      const perm = ints('perm');
      if (!perm || perm.length !== x.shape.length || [...perm].sort().some((p, i) => p !== i)) throw new Error(`perm [${perm}] does not fit rank ${x.shape.length}`);
      return { elemType: x.elemType, shape: perm.map((p) => x.shape[p]) };
    }
    case 'ConvTranspose': {
      arity(2, 3);
      float(x, 'X');
      const w = inputs[1].shape;
      if (x.shape.length !== 4 || w.length !== 4) throw new Error(`X [${x.shape}] and W [${w}] must be 4-D`);
      if (x.shape[1] !== w[0]) throw new Error(`X has ${x.shape[1]} channels but W expects ${w[0]}`);
      if ((int('group', 1) ?? 1) !== 1) throw new Error('grouped transposed convolution is not used by the export');
      const kernel = ints('kernel_shape') ?? (w.slice(2) as number[]);
      if (!sameShape(kernel, w.slice(2))) throw new Error(`kernel_shape [${kernel}] differs from W [${w}]`);
      const strides = ints('strides') ?? [1, 1];
      const pads = ints('pads') ?? [0, 0, 0, 0];
      const outputPadding = ints('output_padding') ?? [0, 0];
      if (inputs[2] && !sameShape(inputs[2].shape, [w[1]])) throw new Error(`B [${inputs[2].shape}] must be [${w[1]}]`);
      const spatial = [0, 1].map((i) => {
        const size = x.shape[2 + i];
        if (typeof size !== 'number') throw new Error('symbolic image sizes are not used by the export');
        if (outputPadding[i] >= strides[i]) throw new Error(`output_padding ${outputPadding[i]} must be below the stride ${strides[i]}`);
        return strides[i] * (size - 1) + outputPadding[i] + kernel[i] - pads[i] - pads[i + 2];
      });
      return { elemType: x.elemType, shape: [x.shape[0], w[1], ...spatial] };
    }
    case 'BatchNormalization': {
      arity(5);
      for (const p of inputs.slice(1)) if (!sameShape(p.shape, [x.shape[1]])) throw new Error(`parameter [${p.shape}] must be [${x.shape[1]}]`);
      return x;
    }
    default:
      throw new Error(`unknown op ${node.opType}`);
  }
}

/** Numpy-style broadcasting of two shapes. */
function broadcast(a: Dim[], b: Dim[]): Dim[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x === y || y === 1) return x;
    if (x === 1) return y;
    throw new Error(`shapes [${a}] and [${b}] do not broadcast`);
  });
}

function numericProduct(dims: Dim[]): number {
  return dims.reduce<number>((p, d) => {
    if (typeof d !== 'number') throw new Error(`dimension ${d} is symbolic where a size is needed`);
    return p * d;
  }, 1);
}
