import * as tf from '@tensorflow/tfjs';

/** uint8 -> [-1, 1] as the GANs see images, looked up rather than computed per pixel. */
const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 127.5 - 1);

/** Images `first`..`first + count` of a uint8 N x H x W x C array as a float tensor in [-1, 1]. */
export function imagesTensor(images: Uint8Array, image: { height: number; width: number; channels: number }, first: number, count: number): tf.Tensor4D {
  const size = image.height * image.width * image.channels;
  const out = new Float32Array(count * size);
  const src = images.subarray(first * size, (first + count) * size);
  for (let i = 0; i < out.length; i++) out[i] = SCALE[src[i]];
  return tf.tensor4d(out, [count, image.height, image.width, image.channels]);
}

/** The images at `indices`, copied into one contiguous uint8 array. */
export function pickImages(images: Uint8Array, imageSize: number, indices: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(indices.length * imageSize);
  for (let i = 0; i < indices.length; i++) out.set(images.subarray(indices[i] * imageSize, (indices[i] + 1) * imageSize), i * imageSize);
  return out;
}
