import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry, type ConvGeometry } from './convGeometry.js';
import { conv2d, release, runStock, setupStockKernel, type KernelArgs } from './stockKernels.js';

/**
 * The input gradient of a convolution, which is also the forward pass of conv2dTranspose (every
 * DCGAN generator layer). The stock wasm kernel is a scalar loop. With stride s, the input rows
 * split into s phases (h + padTop = q·s + r) and each phase only ever meets the taps
 * W[r], W[s + r], …: dx[q·s + r] = Σ_m dy[q - m]·W[m·s + r]. So per (row, column) phase this is
 * one stride-1 XNNPACK convolution of dy with those taps reversed, computing exactly the
 * products that exist (no multiplying by the zeros of an upsampled dy, 4x fewer with stride 2),
 * and the phases are then interleaved into dx.
 */

/** Which input rows (or columns) a phase covers and which taps reach it. */
interface Phase {
  r: number;
  /** First q with q·s + r - pad inside the input. */
  first: number;
  count: number;
  taps: number;
}

function phasesOf(stride: number, pad: number, size: number, kernel: number): Phase[] {
  return Array.from({ length: stride }, (_, r) => {
    const first = Math.ceil((pad - r) / stride);
    const last = Math.floor((pad + size - 1 - r) / stride);
    return { r, first, count: last - first + 1, taps: Math.max(0, Math.ceil((kernel - r) / stride)) };
  });
}

/** The taps of one phase, reversed, as a filter [rowTaps, colTaps, Co, Ci] (one gather). */
function phaseFilter(backend: BackendWasm, filter: tf.TensorInfo, g: ConvGeometry, row: Phase, col: Phase): tf.TensorInfo {
  const { inChannels: ci, outChannels: co } = g;
  const out = backend.makeOutput([row.taps, col.taps, co, ci], 'float32');
  const w = backend.typedArrayFromHeap(filter);
  const f = backend.typedArrayFromHeap(out);
  let at = 0;
  for (let j = 0; j < row.taps; j++) {
    const kh = (row.taps - 1 - j) * g.strideHeight + row.r;
    for (let n = 0; n < col.taps; n++) {
      const kw = (col.taps - 1 - n) * g.strideWidth + col.r;
      const base = (kh * g.filterWidth + kw) * ci * co;
      for (let o = 0; o < co; o++) for (let i = 0; i < ci; i++) f[at++] = w[base + i * co + o];
    }
  }
  return out;
}

/** Places a phase's output [batch, rows, cols, Ci] at every s-th row and column of dx. */
function interleave(source: tf.TypedArray, target: tf.TypedArray, g: ConvGeometry, row: Phase, col: Phase): void {
  const c = g.inChannels;
  let at = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let i = 0; i < row.count; i++) {
      const h = (row.first + i) * g.strideHeight + row.r - g.padTop;
      for (let j = 0; j < col.count; j++) {
        const to = ((b * g.inHeight + h) * g.inWidth + (col.first + j) * g.strideWidth + col.r - g.padLeft) * c;
        if (c >= 32) {
          target.set(source.subarray(at, at + c), to);
          at += c;
        } else {
          for (let k = 0; k < c; k++) target[to + k] = source[at++];
        }
      }
    }
  }
}

type Paddings = [[0, 0], [number, number], [number, number], [0, 0]];

/** The convolution paddings that make a phase's output exactly its rows and columns. */
function phasePaddings(g: ConvGeometry, row: Phase, col: Phase): Paddings {
  return [
    [0, 0],
    [row.taps - 1 - row.first, row.first + row.count - g.outHeight],
    [col.taps - 1 - col.first, col.first + col.count - g.outWidth],
    [0, 0],
  ];
}

function conv2DBackpropInput(args: KernelArgs<'dy' | 'filter'>): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, filter } = args.inputs;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const g = convGeometry(attrs.inputShape, filter.shape, attrs.strides, attrs.pad, attrs.dimRoundingMode, attrs.dataFormat);
  const parts = phasesOf(g.strideHeight, g.padTop, g.inHeight, g.filterHeight).flatMap((row) =>
    phasesOf(g.strideWidth, g.padLeft, g.inWidth, g.filterWidth).map((col) => ({ row, col, paddings: phasePaddings(g, row, col) })),
  );
  const present = parts.filter(({ row, col }) => row.count > 0 && col.count > 0);
  const computed = present.filter(({ row, col }) => row.taps > 0 && col.taps > 0);
  // Explicit paddings larger than the filter would need dy cropped first: leave those to the stock kernel.
  if (computed.some(({ paddings }) => paddings.flat().some((p) => p < 0))) {
    return runStock(tf.Conv2DBackpropInput, backend, args.inputs, args.attrs);
  }
  const outputs = computed.map(({ row, col, paddings }) => {
    const taps = phaseFilter(backend, filter, g, row, col);
    const out = conv2d(backend, dy, taps, paddings);
    release(backend, taps);
    return { row, col, out };
  });
  // Stride 1: the single phase is dx itself.
  if (outputs.length === 1 && g.strideHeight === 1 && g.strideWidth === 1) return outputs[0].out;

  const dx = backend.makeOutput([g.batch, g.inHeight, g.inWidth, g.inChannels], 'float32');
  const target = backend.typedArrayFromHeap(dx);
  // Rows or columns no tap reaches (a stride larger than the filter) get no gradient.
  if (computed.length < present.length) target.fill(0);
  for (const { row, col, out } of outputs) {
    interleave(backend.typedArrayFromHeap(out), target, g, row, col);
    release(backend, out);
  }
  return dx;
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  setupFunc: (backend) => {
    for (const name of [tf.Conv2D, tf.Conv2DBackpropInput]) setupStockKernel(name, backend as BackendWasm);
  },
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
