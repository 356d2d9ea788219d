import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry, type ConvGeometry } from './convGeometry.js';
import { conv2d, release, setShape, setupStockKernel, slice, transpose, type KernelArgs } from './stockKernels.js';

/**
 * The input gradient of a convolution, which is also the forward pass of conv2dTranspose (every
 * DCGAN generator layer). The stock wasm kernel is a scalar loop. Here it is one stride-1 XNNPACK
 * convolution of dy that produces all stride² output phases at once as channels ("sub-pixel"
 * form), then a transpose that interleaves the phases into rows and columns, and a crop. Unlike
 * convolving the zero-upsampled dy, no multiply-by-zero is done: with stride 2 that is 4x fewer
 * operations.
 *
 * With h' = h + padTop = q·s + r and kh = m·s + r: dx[h] = Σ_m dy[q - m]·W[m·s + r]. For each
 * phase r this is a correlation of dy with the taps W[r], W[s + r], … in reverse order.
 */

/**
 * Filter [KH,KW,Ci,Co] -> [Mh,Mw,Co,sH·sW·Ci]: for each phase (r, rw) its taps W[m·s + r] in
 * reverse order, the phases side by side as output channels, zero where a phase has fewer taps.
 * One gather over the heap: the equivalent pad/reverse/transpose of rank 6 in the wasm kernels
 * take ~100x longer than the few hundred thousand values warrant.
 */
function phaseFilter(backend: BackendWasm, filter: tf.TensorInfo, g: ConvGeometry, mh: number, mw: number): tf.TensorInfo {
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = g;
  const phases = sh * sw * ci;
  const out = backend.makeOutput([mh, mw, co, phases], 'float32');
  const taps = backend.typedArrayFromHeap(filter);
  const arranged = backend.typedArrayFromHeap(out);
  let at = 0;
  for (let j = 0; j < mh; j++) {
    for (let n = 0; n < mw; n++) {
      for (let o = 0; o < co; o++) {
        for (let r = 0; r < sh; r++) {
          const row = (mh - 1 - j) * sh + r;
          for (let rw = 0; rw < sw; rw++) {
            const col = (mw - 1 - n) * sw + rw;
            if (row >= kh || col >= kw) {
              arranged.fill(0, at, at + ci);
              at += ci;
              continue;
            }
            const from = (row * kw + col) * ci * co + o;
            for (let i = 0; i < ci; i++) arranged[at++] = taps[from + i * co];
          }
        }
      }
    }
  }
  return out;
}

function conv2DBackpropInput(args: KernelArgs<'dy' | 'filter'>): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, filter } = args.inputs;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const g = convGeometry(attrs.inputShape, filter.shape, attrs.strides, attrs.pad, attrs.dimRoundingMode, attrs.dataFormat);
  const sh = g.strideHeight;
  const sw = g.strideWidth;
  const mh = Math.ceil(g.filterHeight / sh);
  const mw = Math.ceil(g.filterWidth / sw);

  // Phase rows q needed to cover h' up to padTop + H; rows before q0 would be cropped whole.
  const rows = Math.ceil((g.padTop + g.inHeight) / sh);
  const cols = Math.ceil((g.padLeft + g.inWidth) / sw);
  const q0 = Math.min(Math.floor(g.padTop / sh), mh - 1);
  const p0 = Math.min(Math.floor(g.padLeft / sw), mw - 1);

  const taps = phaseFilter(backend, filter, g, mh, mw);
  const phases = conv2d(backend, dy, taps, [
    [0, 0],
    [mh - 1 - q0, Math.max(rows - g.outHeight, 0)],
    [mw - 1 - p0, Math.max(cols - g.outWidth, 0)],
    [0, 0],
  ]);
  release(backend, taps);

  const [, phaseRows, phaseCols] = phases.shape;
  let interleaved = phases;
  if (sh > 1 || sw > 1) {
    const split = { dataId: phases.dataId, shape: [g.batch, phaseRows, phaseCols, sh, sw, g.inChannels], dtype: phases.dtype };
    interleaved = transpose(backend, split, [0, 1, 3, 2, 4, 5]);
    release(backend, phases);
  }
  setShape(backend, interleaved, [g.batch, phaseRows * sh, phaseCols * sw, g.inChannels]);

  const top = g.padTop - q0 * sh;
  const left = g.padLeft - p0 * sw;
  if (top === 0 && left === 0 && interleaved.shape[1] === g.inHeight && interleaved.shape[2] === g.inWidth) {
    return interleaved;
  }
  const out = slice(backend, interleaved, [0, top, left, 0], [g.batch, g.inHeight, g.inWidth, g.inChannels]);
  release(backend, interleaved);
  return out;
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  setupFunc: (backend) => {
    for (const name of [tf.Conv2D, tf.Transpose, tf.Slice]) {
      setupStockKernel(name, backend as BackendWasm);
    }
  },
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
