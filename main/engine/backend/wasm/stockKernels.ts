import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * The wasm backend's own kernels, called directly on TensorInfos the way its kernels call each
 * other: no engine bookkeeping, no gradient tape, and every intermediate freed by `release`.
 * Captured before any of them is replaced, so a replacement can still fall back to the original.
 */
type Attrs = tf.NamedAttrMap;
type Inputs = tf.NamedTensorInfoMap;

/** What tfjs hands a kernel, with the inputs it is known to receive. */
export interface KernelArgs<Name extends string> {
  inputs: Record<Name, tf.TensorInfo> & tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

const captured = new Map<string, tf.KernelConfig>();

/** Remembers the stock kernel of this name (call before unregistering it). */
export function captureStockKernel(kernelName: string): tf.KernelConfig {
  let config = captured.get(kernelName);
  if (!config) {
    config = tf.getKernel(kernelName, 'wasm');
    if (!config) throw new Error(`The wasm backend has no ${kernelName} kernel`);
    captured.set(kernelName, config);
  }
  return config;
}

/** Runs a stock kernel's setup (its cwrap of the C++ function) for a kernel we unregistered. */
export function setupStockKernel(kernelName: string, backend: BackendWasm): void {
  captureStockKernel(kernelName).setupFunc?.(backend);
}

export function runStock(kernelName: string, backend: BackendWasm, inputs: Inputs, attrs: Attrs = {}): tf.TensorInfo {
  const kernelFunc = captureStockKernel(kernelName).kernelFunc;
  return kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo;
}

/** Frees intermediates made by stock kernels (reshapes share data and only drop a reference). */
export function release(backend: BackendWasm, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Gives a kernel's own output a new shape of the same size, in the backend's records as well. */
export function setShape(backend: BackendWasm, info: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  info.shape = shape;
  backend.dataIdMap.get(info.dataId).shape = shape;
  return info;
}

export const transpose = (backend: BackendWasm, x: tf.TensorInfo, perm: number[]): tf.TensorInfo =>
  runStock(tf.Transpose, backend, { x }, { perm });

export const reshape = (backend: BackendWasm, x: tf.TensorInfo, shape: number[]): tf.TensorInfo =>
  runStock(tf.Reshape, backend, { x }, { shape });

export const pad = (backend: BackendWasm, x: tf.TensorInfo, paddings: Array<[number, number]>): tf.TensorInfo =>
  runStock(tf.PadV2, backend, { x }, { paddings, constantValue: 0 });

export const slice = (backend: BackendWasm, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo =>
  runStock(tf.Slice, backend, { x }, { begin, size });

export const reverse = (backend: BackendWasm, x: tf.TensorInfo, dims: number[]): tf.TensorInfo =>
  runStock(tf.Reverse, backend, { x }, { dims });

/** Stride-1..n NHWC convolution with explicit paddings [[0,0],[top,bottom],[left,right],[0,0]]. */
export function conv2d(
  backend: BackendWasm,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  paddings: [[0, 0], [number, number], [number, number], [0, 0]],
  dilations: [number, number] = [1, 1],
): tf.TensorInfo {
  return runStock(tf.Conv2D, backend, { x, filter }, {
    strides: [1, 1],
    pad: paddings,
    dataFormat: 'NHWC',
    dilations,
  } as unknown as Attrs);
}
