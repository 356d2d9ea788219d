import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runStock, setupStockKernel, type KernelArgs } from './stockKernels.js';

/**
 * Sum and Mean over the leading axes: every batch-norm statistic and gradient (axes 0,1,2 of
 * NHWC) and every bias gradient (axis 0). The stock wasm kernels first transpose the reduced
 * axes to the end, a full strided copy of the activation, then reduce. Summing rows straight
 * into one float32 accumulator per column reads the data once, in order, adding in the same
 * order as the stock kernel.
 */

interface ReduceAttrs {
  axis: number | number[];
  keepDims: boolean;
}

/** How many leading axes are reduced, or 0 when the axes are not exactly 0..k-1 (k < rank). */
function leadingAxes(shape: number[], axis: number | number[]): number {
  const axes = tf.util.parseAxisParam(axis, shape).sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= shape.length) return 0;
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

function columnSums(backend: BackendWasm, x: tf.TensorInfo, reduced: number, keepDims: boolean, divideBy: number): tf.TensorInfo {
  const rows = tf.util.sizeFromShape(x.shape.slice(0, reduced));
  const columns = tf.util.sizeFromShape(x.shape.slice(reduced));
  const outShape = keepDims ? [...x.shape.slice(0, reduced).map(() => 1), ...x.shape.slice(reduced)] : x.shape.slice(reduced);
  const out = backend.makeOutput(outShape, 'float32');
  const values = backend.typedArrayFromHeap(x) as Float32Array;
  const sums = backend.typedArrayFromHeap(out) as Float32Array;
  sums.fill(0);
  for (let r = 0; r < rows; r++) {
    const at = r * columns;
    for (let c = 0; c < columns; c++) sums[c] += values[at + c];
  }
  if (divideBy !== 1) for (let c = 0; c < columns; c++) sums[c] /= divideBy;
  return out;
}

function reduceKernel(kernelName: string, mean: boolean): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs<'x'>): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs;
    const { axis, keepDims } = args.attrs as unknown as ReduceAttrs;
    const reduced = x.dtype === 'float32' ? leadingAxes(x.shape, axis) : 0;
    if (reduced === 0 || tf.util.sizeFromShape(x.shape) === 0) return runStock(kernelName, backend, { x }, args.attrs);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, reduced));
    return columnSums(backend, x, reduced, keepDims, mean ? rows : 1);
  };
  return {
    kernelName,
    backendName: 'wasm',
    setupFunc: (backend) => setupStockKernel(kernelName, backend as BackendWasm),
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  };
}

export const sumConfig = reduceKernel(tf.Sum, false);
export const meanConfig = reduceKernel(tf.Mean, true);
