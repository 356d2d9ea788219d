import type { OnnxAttribute, OnnxGraph, OnnxNode, OnnxTensor, OnnxValueInfo } from '../export/onnx/onnxProto.js';

/**
 * Matches an ONNX graph against a reference graph, value by value from the outputs back to the
 * inputs: each computed value must come from the same op, with the same attributes, from inputs
 * that match in turn; graph inputs must be the same inputs; and constants must sit in the same
 * places with the same shapes. Names of nodes and constants may differ. Returns, for every
 * constant of the reference, the imported graph's constant in its place. Throws an Error naming
 * the first difference, as a path from an output.
 */
export function matchGraph(reference: OnnxGraph, imported: OnnxGraph): Map<string, OnnxTensor> {
  const ref = index(reference);
  const imp = index(imported);
  // Older exporters also list constants as graph inputs; only the real inputs count.
  checkSignature('input', reference.input, (imported.input ?? []).filter((v) => !imp.constants.has(v.name)));
  checkSignature('output', reference.output, imported.output ?? []);
  const pairs = new Map<string, string>();
  const constants = new Map<string, OnnxTensor>();

  const match = (refValue: string, impValue: string, path: string): void => {
    const seen = pairs.get(refValue);
    if (seen !== undefined) {
      if (seen !== impValue) throw new Error(`${path}: ${impValue} is used where the reference uses ${seen}`);
      return;
    }
    pairs.set(refValue, impValue);
    if (ref.inputs.has(refValue)) {
      if (impValue !== refValue || !imp.inputs.has(impValue)) throw new Error(`${path}: expected the graph input "${refValue}", found "${impValue}"`);
      return;
    }
    const constant = ref.constants.get(refValue);
    if (constant) {
      const found = imp.constants.get(impValue);
      if (!found) throw new Error(`${path}: expected a constant ${describeTensor(constant)}, found the computed value "${impValue}"`);
      if (found.dataType !== constant.dataType || !sameList(found.dims ?? [], constant.dims ?? [])) {
        throw new Error(`${path}: expected a constant ${describeTensor(constant)}, found ${describeTensor(found)}`);
      }
      constants.set(refValue, found);
      return;
    }
    const refNode = ref.producers.get(refValue);
    const impNode = imp.producers.get(impValue);
    if (!refNode) throw new Error(`${path}: the reference graph does not define ${refValue}`);
    if (!impNode) throw new Error(`${path}: "${impValue}" is neither an input, a constant nor computed by any node`);
    const where = `${path} <- ${refNode.opType}`;
    if (impNode.opType !== refNode.opType) throw new Error(`${path}: expected ${refNode.opType}, found ${impNode.opType}`);
    if ((impNode.domain ?? '') !== '') throw new Error(`${where}: the node is in the domain "${impNode.domain}", not the default one`);
    checkAttributes(where, refNode.attribute ?? [], impNode.attribute ?? []);
    if (impNode.input.length !== refNode.input.length) throw new Error(`${where}: expected ${refNode.input.length} inputs, found ${impNode.input.length}`);
    if (impNode.output.length !== 1) throw new Error(`${where}: expected one output, found ${impNode.output.length}`);
    refNode.input.forEach((input, i) => match(input, impNode.input[i], `${where}[${i}]`));
  };
  for (const output of reference.output) match(output.name, output.name, output.name);
  return constants;
}

interface GraphIndex {
  inputs: Set<string>;
  constants: Map<string, OnnxTensor>;
  producers: Map<string, OnnxNode & { domain?: string }>;
}

function index(graph: OnnxGraph): GraphIndex {
  const producers = new Map<string, OnnxNode>();
  for (const node of graph.node ?? []) for (const output of node.output ?? []) producers.set(output, { ...node, input: node.input ?? [], output: node.output ?? [] });
  return {
    inputs: new Set((graph.input ?? []).map((i) => i.name)),
    constants: new Map((graph.initializer ?? []).map((t) => [t.name, t])),
    producers,
  };
}

function checkSignature(kind: 'input' | 'output', want: OnnxValueInfo[], have: OnnxValueInfo[]): void {
  const describe = (list: OnnxValueInfo[]) => list.map((v) => `${v.name} ${describeType(v)}`).join(', ') || 'none';
  const same = have.length === want.length && want.every((w, i) => have[i].name === w.name && describeType(have[i]) === describeType(w));
  if (!same) throw new Error(`the model's ${kind}s are ${describe(have)}; GAN Studio's generator has ${describe(want)}`);
}

function describeType(value: OnnxValueInfo): string {
  const tensor = value.type?.tensorType;
  const dims = (tensor?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined ? String(d.dimValue) : 'batch'));
  return `${dataTypeName(tensor?.elemType)}[${dims.join(', ')}]`;
}

const dataTypeName = (t: number | undefined): string => ({ 1: 'float32', 2: 'uint8', 7: 'int64' })[t ?? 0] ?? `type ${t}`;
const describeTensor = (t: OnnxTensor): string => `${dataTypeName(t.dataType)}[${(t.dims ?? []).join(', ')}]`;

function checkAttributes(where: string, want: OnnxAttribute[], have: OnnxAttribute[]): void {
  const text = (a: OnnxAttribute) => `${a.name}=${a.ints?.length ? `[${a.ints.join(',')}]` : (a.f ?? a.i ?? 0)}`;
  const byName = new Map(have.map((a) => [a.name, a]));
  for (const w of want) {
    const h = byName.get(w.name);
    const same = h && h.type === w.type && Math.abs((h.f ?? 0) - (w.f ?? 0)) <= 1e-6 && Number(h.i ?? 0) === Number(w.i ?? 0) && sameList(h.ints ?? [], w.ints ?? []);
    if (!same) throw new Error(`${where}: expected ${text(w)}, found ${h ? text(h) : `no ${w.name}`}`);
  }
  const extra = have.filter((h) => !want.some((w) => w.name === h.name));
  if (extra.length) throw new Error(`${where}: unexpected attribute ${extra.map(text).join(', ')}`);
}

const sameList = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, i) => Number(v) === Number(b[i]));
