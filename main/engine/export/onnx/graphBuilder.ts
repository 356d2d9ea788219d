import { OnnxAttributeType, OnnxDataType, type OnnxAttribute, type OnnxDim, type OnnxGraph, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './onnxProto.js';

/** A dimension: a size, or the name of a dynamic one (e.g. "batch"). */
export type Dim = number | string;

export const attr = {
  int: (name: string, i: number): OnnxAttribute => ({ name, type: OnnxAttributeType.INT, i }),
  ints: (name: string, ints: number[]): OnnxAttribute => ({ name, type: OnnxAttributeType.INTS, ints }),
  float: (name: string, f: number): OnnxAttribute => ({ name, type: OnnxAttributeType.FLOAT, f }),
};

export function valueInfo(name: string, elemType: number, shape: Dim[], docString?: string): OnnxValueInfo {
  const dim: OnnxDim[] = shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, docString, type: { tensorType: { elemType, shape: { dim } } } };
}

const bytesOf = (data: Float32Array | BigInt64Array): Uint8Array => new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();

/**
 * Collects an ONNX graph in order: inputs, constant tensors (initializers) and nodes, handing
 * out unique value names so a converter only says what each step computes.
 */
export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private readonly used = new Set<string>();

  input(name: string, elemType: number, shape: Dim[], doc: string): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, elemType, shape, doc));
    return name;
  }

  output(name: string, elemType: number, shape: Dim[], doc: string): void {
    this.outputs.push(valueInfo(name, elemType, shape, doc));
  }

  /** A float32 constant; the data must be row-major for `dims`. */
  floats(hint: string, dims: number[], data: Float32Array): string {
    return this.constant(hint, OnnxDataType.FLOAT, dims, data);
  }

  int64s(hint: string, values: number[]): string {
    return this.constant(hint, OnnxDataType.INT64, [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  /** Adds a node computing one value and returns that value's name. */
  node(opType: string, inputs: string[], hint: string, attribute: OnnxAttribute[] = []): string {
    const output = this.unique(hint);
    this.nodes.push({ name: `${opType}_${output}`, opType, input: inputs, output: [output], attribute });
    return output;
  }

  /** Gives a computed value its public name (a graph output's), wherever it is used. */
  rename(from: string, to: string): void {
    this.claim(to);
    for (const node of this.nodes) {
      node.input = node.input.map((n) => (n === from ? to : n));
      node.output = node.output.map((n) => (n === from ? to : n));
    }
  }

  build(name: string, docString: string): OnnxGraph {
    return { name, docString, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }

  private constant(hint: string, dataType: number, dims: number[], data: Float32Array | BigInt64Array): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`Constant ${hint}: ${data.length} values for dims [${dims}]`);
    const name = this.unique(hint);
    this.initializers.push({ name, dataType, dims, rawData: bytesOf(data) });
    return name;
  }

  private unique(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_]/g, '_');
    let name = base;
    for (let n = 1; this.used.has(name); n++) name = `${base}_${n}`;
    this.used.add(name);
    return name;
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new Error(`ONNX value name "${name}" is used twice`);
    this.used.add(name);
  }
}
