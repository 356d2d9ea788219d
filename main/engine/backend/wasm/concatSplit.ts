import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runStock, setupStockKernel, type KernelArgs } from './stockKernels.js';

/**
 * Concat and SplitV, which join a class plane to the image of the conditional DCGAN's
 * discriminator (one channel beside one or three) and split its gradient back. The stock
 * kernels copy one row slice per call, i.e. one call per pixel when a piece is a single channel
 * (~3.5 ms per 64x28x28 join). Rows narrower than a cache line are copied element by element.
 */
const NARROW = 32;

/** Copies `rows` rows of `width` values from `source` (row stride `sourceStride`) to `target`. */
function copyRows(
  source: tf.TypedArray,
  sourceAt: number,
  sourceStride: number,
  target: tf.TypedArray,
  targetAt: number,
  targetStride: number,
  rows: number,
  width: number,
): void {
  if (width >= NARROW) {
    for (let r = 0; r < rows; r++) {
      const from = sourceAt + r * sourceStride;
      target.set(source.subarray(from, from + width), targetAt + r * targetStride);
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const from = sourceAt + r * sourceStride;
    const to = targetAt + r * targetStride;
    for (let k = 0; k < width; k++) target[to + k] = source[from + k];
  }
}

function concat(args: KernelArgs<never>): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const inputs = Object.values(args.inputs).filter((t): t is tf.TensorInfo => t !== undefined);
  const { axis } = args.attrs as unknown as tf.ConcatAttrs;
  const first = inputs[0];
  const nonEmpty = inputs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
  if (!first || first.dtype === 'string' || nonEmpty.length < 2) return runStock(tf.Concat, backend, args.inputs, args.attrs);
  const $axis = tf.util.parseAxisParam(axis, first.shape)[0];
  const outShape = tf.backend_util.computeOutShape(inputs.map((t) => t.shape), $axis);
  const out = backend.makeOutput(outShape, first.dtype);
  const rows = tf.util.sizeFromShape(first.shape.slice(0, $axis));
  const widths = nonEmpty.map((t) => tf.util.sizeFromShape(t.shape.slice($axis)));
  const total = widths.reduce((a, b) => a + b, 0);
  const target = backend.typedArrayFromHeap(out);
  let at = 0;
  nonEmpty.forEach((input, i) => {
    copyRows(backend.typedArrayFromHeap(input), 0, widths[i], target, at, total, rows, widths[i]);
    at += widths[i];
  });
  return out;
}

function splitV(args: KernelArgs<'x'>): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs;
  const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
  if (x.dtype === 'string') return runStock(tf.SplitV, backend, { x }, args.attrs) as unknown as tf.TensorInfo[];
  const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, $axis);
  const rows = tf.util.sizeFromShape(x.shape.slice(0, $axis));
  const inner = tf.util.sizeFromShape(x.shape.slice($axis + 1));
  const total = x.shape[$axis] * inner;
  const outs = sizes.map((size) => backend.makeOutput(x.shape.map((d, i) => (i === $axis ? size : d)), x.dtype));
  // Heap views only after every allocation: growing the heap detaches older views.
  const source = backend.typedArrayFromHeap(x);
  let at = 0;
  outs.forEach((out, i) => {
    const width = sizes[i] * inner;
    if (width > 0) copyRows(source, at, total, backend.typedArrayFromHeap(out), 0, width, rows, width);
    at += width;
  });
  return outs;
}

export const concatConfig: tf.KernelConfig = {
  kernelName: tf.Concat,
  backendName: 'wasm',
  setupFunc: (backend) => setupStockKernel(tf.Concat, backend as BackendWasm),
  kernelFunc: concat as unknown as tf.KernelFunc,
};

export const splitVConfig: tf.KernelConfig = {
  kernelName: tf.SplitV,
  backendName: 'wasm',
  setupFunc: (backend) => setupStockKernel(tf.SplitV, backend as BackendWasm),
  kernelFunc: splitV as unknown as tf.KernelFunc,
};
