import * as tf from '@tensorflow/tfjs';
import type { DirectionKind } from '../../../shared/explore.js';
import { mixSeed, seededRandom } from '../../../shared/random.js';
import { symmetricEigen } from '../quality/linearAlgebra.js';

/** Above this noise size the exact eigen-decomposition (cubic) gives way to a few power iterations. */
const EXACT_LIMIT = 256;
const POWER_ITERATIONS = 80;

/** `count` unit directions in noise space: the principal directions of G's first layer, or seeded random ones. */
export function noiseDirections(generator: tf.LayersModel, noiseSize: number, kind: DirectionKind, count: number, seed: number): Float32Array[] {
  const wanted = Math.min(count, noiseSize);
  return kind === 'principal' ? principalDirections(generator, noiseSize, wanted) : randomDirections(noiseSize, wanted, seed);
}

/** Directions drawn uniformly on the sphere (normalised Gaussian draws), a function of the seed. */
export function randomDirections(noiseSize: number, count: number, seed: number): Float32Array[] {
  const random = seededRandom(mixSeed(seed, 0xd1e));
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, () => unit(Float64Array.from({ length: noiseSize }, gaussian)));
}

/**
 * The noise directions G's first dense layer stretches most: the top eigenvectors of W Wᵀ, where W
 * is that layer's kernel restricted to the noise rows (the class embedding's rows, when
 * conditional, come after them). Moving along the first changes the layer's output the most.
 */
export function principalDirections(generator: tf.LayersModel, noiseSize: number, count: number): Float32Array[] {
  const layer = generator.layers.find((l) => l.getClassName() === 'Dense');
  if (!layer) throw new Error('The generator has no dense layer after its noise input, so it has no principal directions; use random directions.');
  const gram = tf.tidy(() => {
    const kernel = layer.getWeights()[0] as tf.Tensor2D;
    const noiseRows = kernel.slice([0, 0], [noiseSize, kernel.shape[1]]);
    return tf.matMul(noiseRows, noiseRows, false, true).dataSync() as Float32Array;
  });
  const data = Float64Array.from(gram);
  if (noiseSize <= EXACT_LIMIT) {
    const { values, vectors } = symmetricEigen({ n: noiseSize, data });
    const order = [...values.keys()].sort((a, b) => values[b] - values[a]);
    return order.slice(0, count).map((k) => unit(Float64Array.from({ length: noiseSize }, (_, i) => vectors.data[i * noiseSize + k])));
  }
  return powerDirections(data, noiseSize, count);
}

/** Top eigenvectors of a symmetric n x n matrix by orthogonal (subspace) iteration. */
function powerDirections(m: Float64Array, n: number, count: number): Float32Array[] {
  const random = seededRandom(0x5eed);
  let basis: Float64Array[] = Array.from({ length: count }, () => Float64Array.from({ length: n }, () => random() - 0.5));
  for (let it = 0; it < POWER_ITERATIONS; it++) {
    basis = orthonormal(basis.map((v) => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < n; j++) sum += m[i * n + j] * v[j];
        out[i] = sum;
      }
      return out;
    }));
  }
  return basis.map((v) => Float32Array.from(v));
}

function orthonormal(vectors: Float64Array[]): Float64Array[] {
  const done: Float64Array[] = [];
  for (const v of vectors) {
    const w = Float64Array.from(v);
    for (const u of done) {
      let dot = 0;
      for (let i = 0; i < w.length; i++) dot += w[i] * u[i];
      for (let i = 0; i < w.length; i++) w[i] -= dot * u[i];
    }
    done.push(Float64Array.from(unit(w)));
  }
  return done;
}

function unit(v: Float64Array): Float32Array {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return Float32Array.from(v, (x) => x / norm);
}
