import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry } from './convGeometry.js';
import { conv2d, release, setupStockKernel, slice, transpose, type KernelArgs } from './stockKernels.js';

/**
 * The filter gradient of a convolution, which the stock wasm backend lacks (so it cannot train a
 * convolutional model at all). dW[kh,kw,ci,co] = Σ x[b, oh·s+kh-pad, ow·s+kw-pad, ci]·dy[b,oh,ow,co]
 * is itself a convolution: the input seen as Ci images of H×W with B channels, the output
 * gradient as a filter of OH×OW taps from B to Co channels, dilated by the stride. That runs on
 * XNNPACK's convolution, so the backward pass costs about what the forward one does.
 */
function conv2DBackpropFilter(args: KernelArgs<'x' | 'dy'>): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const g = convGeometry(x.shape, attrs.filterShape, attrs.strides, attrs.pad, attrs.dimRoundingMode, attrs.dataFormat);

  // Rows the filter can reach: pad the top, and the bottom as far as the last tap of the last
  // output row; a negative bottom (rows no output row uses) makes extra filter rows, cut below.
  const padBottom = g.filterHeight + g.strideHeight * (g.outHeight - 1) - g.inHeight - g.padTop;
  const padRight = g.filterWidth + g.strideWidth * (g.outWidth - 1) - g.inWidth - g.padLeft;

  const images = transpose(backend, x, [3, 1, 2, 0]);
  const taps = transpose(backend, dy, [1, 2, 0, 3]);
  const gradient = conv2d(
    backend,
    images,
    taps,
    [[0, 0], [g.padTop, Math.max(padBottom, 0)], [g.padLeft, Math.max(padRight, 0)], [0, 0]],
    [g.strideHeight, g.strideWidth],
  );
  release(backend, images, taps);

  let cropped = gradient;
  if (padBottom < 0 || padRight < 0) {
    cropped = slice(backend, gradient, [0, 0, 0, 0], [g.inChannels, g.filterHeight, g.filterWidth, g.outChannels]);
    release(backend, gradient);
  }
  const out = transpose(backend, cropped, [1, 2, 0, 3]);
  release(backend, cropped);
  return out;
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  setupFunc: (backend) => {
    for (const name of [tf.Conv2D, tf.Transpose, tf.Slice]) setupStockKernel(name, backend as BackendWasm);
  },
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
};
