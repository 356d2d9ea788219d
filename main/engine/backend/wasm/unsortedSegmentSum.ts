import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from './stockKernels.js';

/**
 * Sums rows of x into segments; the gradient of a gather, so of every Embedding layer (the class
 * label of the conditional presets). Missing from the stock wasm backend. The sizes involved are
 * a batch of label rows, so a loop over the wasm heap beats any round trip.
 */
function unsortedSegmentSum(args: KernelArgs<'x' | 'segmentIds'>): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, segmentIds } = args.inputs;
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const idCount = tf.util.sizeFromShape(segmentIds.shape);
  const rowLength = tf.util.sizeFromShape(x.shape) / Math.max(idCount, 1);
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = backend.makeOutput(outShape, x.dtype);
  // Read the heap views after allocating the output: growing the heap detaches older views.
  const values = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  const sums = backend.typedArrayFromHeap(out);
  sums.fill(0);
  for (let row = 0; row < idCount; row++) {
    const segment = ids[row];
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * rowLength;
    const to = segment * rowLength;
    for (let i = 0; i < rowLength; i++) sums[to + i] += values[from + i];
  }
  return out;
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};
