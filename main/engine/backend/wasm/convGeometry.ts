import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs's convolution geometry the backward kernels need (NHWC, no dilation). */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

export function convGeometry(
  inputShape: number[],
  filterShape: number[],
  strides: [number, number] | number,
  pad: Pad,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  dataFormat: string,
): ConvGeometry {
  if (dataFormat !== 'NHWC') {
    throw new Error(`The wasm backend trains convolutions in NHWC only, not ${dataFormat}`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}
