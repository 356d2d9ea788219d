import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runStock, setupStockKernel, type KernelArgs } from './stockKernels.js';

/**
 * Tile, used by every batch-norm backward pass to spread a per-channel factor over the whole
 * activation (tile([1,1,1,C], [B,H,W,1])). The stock wasm kernel maps each output index back
 * to an input index one element at a time (~15 M elements/s); here each row of the input is
 * copied once and every repetition is made by doubling block copies, at memory speed.
 */
function tile(args: KernelArgs<'x'>): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs;
  const { reps } = args.attrs as unknown as tf.TileAttrs;
  if (x.dtype === 'string' || x.shape.length === 0) return runStock(tf.Tile, backend, { x }, args.attrs);
  const outShape = x.shape.map((size, i) => size * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  // Views taken after the output is allocated, which may grow (and detach) the heap.
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  if (target.length > 0) fill(source, target, x.shape, reps, outShape);
  return out;
}

/** Repeats target[start, start + length) until it spans `times` lengths, doubling each copy. */
function repeatBlock(target: tf.TypedArray, start: number, length: number, times: number): void {
  const total = length * times;
  for (let done = length; done < total; done *= 2) {
    target.copyWithin(start + done, start, start + Math.min(done, total - done));
  }
}

function fill(source: tf.TypedArray, target: tf.TypedArray, shape: number[], reps: number[], outShape: number[]): void {
  const rank = shape.length;
  const outBlock = new Array<number>(rank + 1).fill(1);
  const inBlock = new Array<number>(rank + 1).fill(1);
  for (let d = rank - 1; d >= 0; d--) {
    outBlock[d] = outBlock[d + 1] * outShape[d];
    inBlock[d] = inBlock[d + 1] * shape[d];
  }
  // Writes input block `inAt` of dimension `d` (tiled) at `outAt`; a block of dimension d spans
  // dimensions d.. of the output.
  const write = (d: number, inAt: number, outAt: number): void => {
    if (d === rank - 1) {
      target.set(source.subarray(inAt, inAt + shape[d]), outAt);
    } else {
      for (let i = 0; i < shape[d]; i++) write(d + 1, inAt + i * inBlock[d + 1], outAt + i * outBlock[d + 1]);
    }
    repeatBlock(target, outAt, shape[d] * outBlock[d + 1], reps[d]);
  };
  write(0, 0, 0);
}

export const tileConfig: tf.KernelConfig = {
  kernelName: tf.Tile,
  backendName: 'wasm',
  setupFunc: (backend) => setupStockKernel(tf.Tile, backend as BackendWasm),
  kernelFunc: tile as unknown as tf.KernelFunc,
};
