import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';

/** A tensor with its name, as optimizers and weight files list them (tfjs does not export this type). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** A list of named tensors as the pair of files we store: a JSON spec and raw little-endian bytes. */
export async function encodeNamedTensors(tensors: NamedTensor[]): Promise<{ spec: string; data: Uint8Array }> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  return { spec: JSON.stringify({ weights: specs }), data: new Uint8Array(data) };
}

export async function readNamedTensors(specPath: string, dataPath: string): Promise<NamedTensor[]> {
  const [specText, data] = await Promise.all([readFile(specPath, 'utf8'), readFile(dataPath)]);
  const { weights } = JSON.parse(specText) as { weights: tf.io.WeightsManifestEntry[] };
  const expected = weights.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1) * bytesPer(w.dtype), 0);
  if (data.byteLength !== expected) {
    throw new Error(`${dataPath} holds ${data.byteLength} bytes but its spec describes ${expected}; the file is damaged`);
  }
  const map = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), weights);
  return weights.map((w) => ({ name: w.name, tensor: map[w.name] }));
}

const bytesPer = (dtype: string): number => (dtype === 'bool' ? 1 : 4);

/**
 * Puts saved weights into a model by position, checking every shape: layer names carry
 * process-wide counters in tfjs, so names differ between processes while order does not.
 */
export function setWeightsInOrder(model: tf.LayersModel, saved: NamedTensor[], what: string): void {
  const current = model.weights;
  if (current.length !== saved.length) {
    throw new Error(`${what}: the checkpoint has ${saved.length} weight tensors, the model ${current.length}; it was saved by a different architecture`);
  }
  current.forEach((w, i) => {
    if (!tf.util.arraysEqual(w.shape as number[], saved[i].tensor.shape)) {
      throw new Error(`${what}: weight ${i} (${w.originalName}) has shape [${w.shape}] but the checkpoint has [${saved[i].tensor.shape}]`);
    }
  });
  model.setWeights(saved.map((s) => s.tensor));
}
