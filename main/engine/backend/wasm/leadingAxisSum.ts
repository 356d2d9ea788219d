import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runStock, setShape, setupStockKernel, type KernelArgs } from './stockKernels.js';

/**
 * Sum and Mean over the leading axes: every batch-norm statistic and gradient (axes 0,1,2 of
 * NHWC) and every bias gradient (axis 0). The stock wasm kernels first transpose the reduced
 * axes to the end, a full strided copy of the activation, then reduce on one thread. Seen as
 * one image of `rows` x 1 pixels with `columns` channels, the same reduction is XNNPACK's
 * average pooling over the whole image: one pass, vectorised and threaded (~30x faster on a
 * 256x14x14x64 batch-norm gradient). Sums are the mean times the row count.
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

function columnMeans(backend: BackendWasm, x: tf.TensorInfo, reduced: number, keepDims: boolean, sum: boolean): tf.TensorInfo {
  const rows = tf.util.sizeFromShape(x.shape.slice(0, reduced));
  const columns = tf.util.sizeFromShape(x.shape.slice(reduced));
  const image = { dataId: x.dataId, shape: [1, rows, 1, columns], dtype: x.dtype };
  const means = runStock(tf.AvgPool, backend, { x: image }, { filterSize: [rows, 1], strides: 1, pad: 'valid' });
  if (sum) {
    const values = backend.typedArrayFromHeap(means);
    for (let c = 0; c < columns; c++) values[c] *= rows;
  }
  const outShape = keepDims ? [...x.shape.slice(0, reduced).map(() => 1), ...x.shape.slice(reduced)] : x.shape.slice(reduced);
  return setShape(backend, means, outShape);
}

function reduceKernel(kernelName: string, mean: boolean): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs<'x'>): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs;
    const { axis, keepDims } = args.attrs as unknown as ReduceAttrs;
    const reduced = x.dtype === 'float32' ? leadingAxes(x.shape, axis) : 0;
    // One row, or nothing at all, is no reduction: the stock kernel's copy is as good.
    if (reduced === 0 || tf.util.sizeFromShape(x.shape.slice(0, reduced)) < 2 || tf.util.sizeFromShape(x.shape) === 0) {
      return runStock(kernelName, backend, { x }, args.attrs);
    }
    return columnMeans(backend, x, reduced, keepDims, !mean);
  };
  return {
    kernelName,
    backendName: 'wasm',
    setupFunc: (backend) => {
      setupStockKernel(kernelName, backend as BackendWasm);
      setupStockKernel(tf.AvgPool, backend as BackendWasm);
    },
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  };
}

export const sumConfig = reduceKernel(tf.Sum, false);
export const meanConfig = reduceKernel(tf.Mean, true);
