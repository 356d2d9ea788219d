import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { setupWasm } from '../../../main/engine/backend/wasmSetup.js';
import { release, runStock } from '../../../main/engine/backend/wasm/stockKernels.js';

/**
 * Every wasm kernel we add or replace must give what the pure-JS cpu backend gives, on shapes
 * that catch off-by-one geometry: odd sizes, stride 1 and 2, same and valid padding, batch 1
 * and more, 1 and 3 channels.
 */

type Inputs = Record<string, { shape: number[]; values: Float32Array }>;

/** Deterministic values in [-1, 1), so a failure reproduces. */
function randomInput(shape: number[], seed: number): { shape: number[]; values: Float32Array } {
  const values = new Float32Array(shape.reduce((n, d) => n * d, 1));
  let state = seed * 2654435761 + 1;
  for (let i = 0; i < values.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    values[i] = state / 1073741824 - 1;
  }
  return { shape, values };
}

function runOn(backend: string, inputs: Inputs, compute: (t: Record<string, tf.Tensor>) => tf.Tensor | tf.Tensor[]): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const tensors = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
    const out = compute(tensors);
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
  });
}

/** Runs `compute` on cpu and on wasm and asserts the results agree to float32 rounding. */
function assertSameOnBoth(label: string, inputs: Inputs, compute: (t: Record<string, tf.Tensor>) => tf.Tensor | tf.Tensor[]): void {
  const expected = runOn('cpu', inputs, compute);
  const actual = runOn('wasm', inputs, compute);
  assert.equal(actual.length, expected.length, label);
  expected.forEach((want, i) => {
    const got = actual[i];
    assert.equal(got.length, want.length, `${label}: output ${i} size`);
    let scale = 1;
    for (const v of want) scale = Math.max(scale, Math.abs(v));
    let worst = 0;
    for (let j = 0; j < want.length; j++) worst = Math.max(worst, Math.abs(got[j] - want[j]));
    assert.ok(worst <= 2e-5 * scale * Math.sqrt(want.length + 16), `${label}: output ${i} differs by ${worst} (scale ${scale})`);
  });
}

before(async () => {
  await setupWasm();
  assert.ok(await tf.setBackend('wasm'));
  await tf.ready();
});

describe('wasm matMul with transposes', () => {
  const sizes: Array<[number, number, number]> = [
    [1, 1, 1],
    [3, 5, 7],
    [17, 33, 9],
    [2, 100, 3],
    [64, 97, 130],
    [200, 31, 64],
  ];
  for (const [m, k, n] of sizes) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const a = randomInput(transposeA ? [k, m] : [m, k], m + k);
        const b = randomInput(transposeB ? [n, k] : [k, n], n * 7 + k);
        const name = `${m}x${k}x${n} tA=${transposeA} tB=${transposeB}`;
        test(`matMul ${name}`, () => {
          assertSameOnBoth(name, { a, b }, (t) => tf.matMul(t.a, t.b, transposeA, transposeB));
        });
        test(`matMul rank 3, batch 1: ${name}`, () => {
          const a3 = { ...a, shape: [1, ...a.shape] };
          const b3 = { ...b, shape: [1, ...b.shape] };
          assertSameOnBoth(name, { a: a3, b: b3 }, (t) => tf.matMul(t.a, t.b, transposeA, transposeB));
        });
        test(`fused matMul with bias and relu: ${name}`, () => {
          const bias = randomInput([n], 3);
          assertSameOnBoth(name, { a, b, bias }, (t) =>
            tf.fused.matMul({ a: t.a, b: t.b, transposeA, transposeB, bias: t.bias, activation: 'relu' }),
          );
        });
      }
    }
  }
  test('batched matMul (batch 3) still right through the stock kernel', () => {
    const a = randomInput([3, 4, 6], 1);
    const b = randomInput([3, 5, 6], 2);
    assertSameOnBoth('batch 3', { a, b }, (t) => tf.matMul(t.a, t.b, false, true));
  });
  test('gradients of a dense layer', () => {
    const x = randomInput([5, 11], 4);
    const w = randomInput([11, 7], 5);
    assertSameOnBoth('dense grads', { x, w }, (t) =>
      tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.matMul(xx, ww).square().sum())([t.x, t.w]),
    );
  });
});

interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  stride: [number, number];
  pad: 'same' | 'valid';
}

function convCases(): ConvCase[] {
  const cases: ConvCase[] = [];
  const images: Array<[number, number]> = [[7, 7], [8, 9], [14, 14], [5, 6]];
  const kernels: Array<[number, number]> = [[1, 1], [3, 3], [4, 4], [5, 5], [2, 3]];
  let i = 0;
  for (const [height, width] of images) {
    for (const kernel of kernels) {
      for (const stride of [[1, 1], [2, 2]] as Array<[number, number]>) {
        for (const pad of ['same', 'valid'] as const) {
          if (pad === 'valid' && (kernel[0] > height || kernel[1] > width)) continue;
          const batch = i % 3 === 0 ? 1 : 3;
          const inChannels = i % 2 === 0 ? 1 : 3;
          const outChannels = [1, 2, 8][i % 3];
          cases.push({ batch, height, width, inChannels, outChannels, kernel, stride, pad });
          i++;
        }
      }
    }
  }
  cases.push({ batch: 2, height: 9, width: 11, inChannels: 3, outChannels: 4, kernel: [3, 3], stride: [3, 3], pad: 'valid' });
  cases.push({ batch: 2, height: 10, width: 7, inChannels: 2, outChannels: 5, kernel: [4, 3], stride: [2, 1], pad: 'same' });
  cases.push({ batch: 4, height: 28, width: 28, inChannels: 1, outChannels: 16, kernel: [5, 5], stride: [2, 2], pad: 'same' });
  return cases;
}

const describeCase = (c: ConvCase): string =>
  `b${c.batch} ${c.height}x${c.width}x${c.inChannels} -> ${c.outChannels}, k${c.kernel.join('x')} s${c.stride.join('x')} ${c.pad}`;

describe('wasm convolution gradients', () => {
  convCases().forEach((c, i) => {
    const x = randomInput([c.batch, c.height, c.width, c.inChannels], i + 1);
    const filter = randomInput([...c.kernel, c.inChannels, c.outChannels], i + 100);
    const outShape = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      c.stride,
      1,
      c.pad,
    ).outShape;
    const dy = randomInput(outShape, i + 200);
    const label = describeCase(c);

    test(`Conv2DBackpropFilter ${label}`, () => {
      assertSameOnBoth(label, { x, dy }, (t) =>
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: t.x, dy: t.dy }, {
          strides: c.stride,
          pad: c.pad,
          dataFormat: 'NHWC',
          filterShape: filter.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      );
    });

    test(`Conv2DBackpropInput ${label}`, () => {
      assertSameOnBoth(label, { dy, filter }, (t) =>
        tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: t.dy, filter: t.filter }, {
          strides: c.stride,
          pad: c.pad,
          dataFormat: 'NHWC',
          inputShape: x.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      );
    });

    test(`conv2d gradients (x and filter) ${label}`, () => {
      assertSameOnBoth(label, { x, filter, dy }, (t) =>
        tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
          tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.stride, c.pad).mul(t.dy).sum(),
        )([t.x, t.filter]),
      );
    });
  });

  for (const [pad, stride] of [[3, 1], [4, 2], [1, 2]] as const) {
    test(`Conv2DBackpropInput with a numeric padding of ${pad} and stride ${stride} (wider than the filter falls back)`, () => {
      const dyShape = tf.backend_util.computeConv2DInfo([2, 9, 8, 3], [3, 3, 3, 4], stride, 1, pad).outShape;
      assertSameOnBoth('numeric pad', { dy: randomInput(dyShape, 90), filter: randomInput([3, 3, 3, 4], 91) }, (t) =>
        tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: t.dy, filter: t.filter }, {
          strides: stride,
          pad,
          dataFormat: 'NHWC',
          inputShape: [2, 9, 8, 3],
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      );
    });
  }

  test('conv2dTranspose as a DCGAN generator uses it (7x7x16 -> 14x14x8, k5 s2 same)', () => {
    const x = randomInput([3, 7, 7, 16], 9);
    const filter = randomInput([5, 5, 8, 16], 10);
    assertSameOnBoth('conv2dTranspose', { x, filter }, (t) =>
      tf.conv2dTranspose(t.x as tf.Tensor4D, t.filter as tf.Tensor4D, [3, 14, 14, 8], 2, 'same'),
    );
  });
});

describe('wasm unsortedSegmentSum (the gradient of Embedding)', () => {
  test('sums rows into segments, ignoring ids out of range', () => {
    const x = randomInput([6, 5], 31);
    const ids = { shape: [6], values: new Float32Array([2, 0, 2, 3, 0, 1]) };
    assertSameOnBoth('segments', { x, ids }, (t) => tf.unsortedSegmentSum(t.x, t.ids.toInt() as tf.Tensor1D, 4));
    assertSameOnBoth('fewer segments', { x, ids }, (t) => tf.unsortedSegmentSum(t.x, t.ids.toInt() as tf.Tensor1D, 3));
  });
});

describe('wasm leakyRelu and its gradient', () => {
  for (const alpha of [0.2, 0.01, 0.3]) {
    test(`leakyRelu alpha ${alpha}, values and gradient`, () => {
      const x = randomInput([4, 5, 6, 7], 40);
      x.values[3] = 0;
      x.values[4] = -0;
      const dy = randomInput([4, 5, 6, 7], 41);
      assertSameOnBoth('leakyRelu', { x, dy }, (t) => [
        tf.leakyRelu(t.x, alpha),
        tf.grad((xx: tf.Tensor) => tf.leakyRelu(xx, alpha).mul(t.dy).sum())(t.x),
      ]);
    });
  }
  test('leakyRelu matches the stock wasm kernel bit for bit', () => {
    tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const x = tf.tensor(randomInput([1000], 42).values);
    const stock = runStock(tf.LeakyRelu, backend, { x }, { alpha: 0.2 });
    const expected = Array.from(backend.readSync(stock.dataId) as Float32Array);
    release(backend, stock);
    assert.deepEqual(Array.from(tf.leakyRelu(x, 0.2).dataSync()), expected);
    x.dispose();
  });
});

describe('wasm sum and mean', () => {
  const cases: Array<[number[], number[], boolean]> = [
    [[6, 5, 4, 3], [0, 1, 2], false],
    [[6, 5, 4, 3], [0, 1, 2], true],
    [[7, 9], [0], false],
    [[7, 9], [0], true],
    [[2, 3, 4], [1, 0], false],
    [[2, 3, 4], [2], false],
    [[2, 3, 4], [0, 2], true],
    [[2, 3, 4], [0, 1, 2], false],
    [[5, 1], [0], false],
  ];
  for (const [shape, axes, keepDims] of cases) {
    test(`sum and mean of ${shape} over ${axes}${keepDims ? ' keeping dims' : ''}`, () => {
      assertSameOnBoth('reduce', { x: randomInput(shape, 50) }, (t) => [tf.sum(t.x, axes, keepDims), tf.mean(t.x, axes, keepDims)]);
    });
  }
  test('int32 sums keep their dtype', () => {
    assertSameOnBoth('int', { x: randomInput([4, 3], 51) }, (t) => tf.sum(t.x.mul(10).toInt(), 0).toFloat());
  });
});

describe('wasm batch norm', () => {
  const shapes = [[3, 5, 6, 4], [7, 9], [1, 1, 64, 12]];
  for (const shape of shapes) {
    const channels = shape[shape.length - 1];
    const inputs = {
      x: randomInput(shape, 60),
      mean: randomInput([channels], 61),
      variance: { shape: [channels], values: randomInput([channels], 62).values.map((v) => v + 1.5) },
      offset: randomInput([channels], 63),
      scale: randomInput([channels], 64),
    };
    test(`batchNorm of ${shape}, with and without offset and scale, and its gradients`, () => {
      assertSameOnBoth('batchNorm', inputs, (t) => [
        tf.batchNorm(t.x, t.mean, t.variance, t.offset, t.scale, 1e-3),
        tf.batchNorm(t.x, t.mean, t.variance, undefined, undefined, 1e-5),
        ...tf.grads((xx: tf.Tensor, sc: tf.Tensor) => tf.batchNorm(xx, t.mean, t.variance, t.offset, sc, 1e-3).square().sum())([t.x, t.scale]),
      ]);
    });
  }
});

describe('wasm concat and split', () => {
  const cases: Array<[number[][], number]> = [
    [[[4, 6, 6, 1], [4, 6, 6, 1]], 3],
    [[[4, 6, 6, 3], [4, 6, 6, 1]], -1],
    [[[5, 100], [5, 10]], 1],
    [[[2, 3], [4, 3], [1, 3]], 0],
    [[[2, 0, 3], [2, 5, 3]], 1],
    [[[3, 2, 40], [3, 1, 40]], 1],
  ];
  for (const [shapes, axis] of cases) {
    test(`concat of ${shapes.map((s) => `[${s}]`).join(' ')} on axis ${axis}, and its gradient (split)`, () => {
      const inputs = Object.fromEntries(shapes.map((shape, i) => [`t${i}`, randomInput(shape, 70 + i)]));
      assertSameOnBoth('concat', inputs, (t) => {
        const parts = shapes.map((_, i) => t[`t${i}`]);
        const dy = tf.ones(tf.concat(parts, axis).shape).mul(tf.range(0, tf.concat(parts, axis).size).reshape(tf.concat(parts, axis).shape));
        return [tf.concat(parts, axis), ...tf.grads((...xs: tf.Tensor[]) => tf.concat(xs, axis).mul(dy).sum())(parts)];
      });
    });
  }
  test('split into uneven sizes, int32 too', () => {
    assertSameOnBoth('split', { x: randomInput([3, 7, 5], 80) }, (t) => [
      ...tf.split(t.x, [2, 4, 1], 1),
      ...tf.split(t.x.mul(100).toInt(), [1, 3, 1], 2).map((p) => p.toFloat()),
    ]);
  });
});

describe('wasm tile', () => {
  const cases: Array<[number[], number[]]> = [
    [[1, 1, 1, 5], [2, 3, 4, 1]],
    [[3], [4]],
    [[2, 3], [1, 1]],
    [[2, 3], [3, 2]],
    [[4, 1, 3], [1, 5, 2]],
    [[2, 2, 2], [2, 1, 3]],
    [[1, 7, 1, 2], [3, 1, 2, 1]],
  ];
  for (const [shape, reps] of cases) {
    test(`tile ${shape} by ${reps}`, () => {
      assertSameOnBoth('tile', { x: randomInput(shape, shape.length) }, (t) => tf.tile(t.x, reps));
    });
  }
  test('tile of int32 and bool', () => {
    assertSameOnBoth('int32', { x: randomInput([2, 3], 5) }, (t) => tf.tile(t.x.mul(10).toInt(), [2, 2]).toFloat());
    assertSameOnBoth('bool', { x: randomInput([2, 3], 6) }, (t) => tf.tile(t.x.greater(0), [3, 1]).toFloat());
  });
});

describe('Layers training on wasm', () => {
  /** Every layer kind the presets use, except Dropout (random), in one small conditional model. */
  function buildModel(): tf.LayersModel {
    const image = tf.input({ shape: [8, 8, 1] });
    const label = tf.input({ shape: [1] });
    let e = tf.layers.embedding({ inputDim: 3, outputDim: 64, embeddingsInitializer: 'glorotUniform' }).apply(label) as tf.SymbolicTensor;
    e = tf.layers.reshape({ targetShape: [8, 8, 1] }).apply(e) as tf.SymbolicTensor;
    let x = tf.layers.concatenate().apply([image, e]) as tf.SymbolicTensor;
    // No bias before batch norm (as in DCGAN): its true gradient is 0, and Adam would turn
    // rounding noise of either backend into full-size steps.
    x = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
    x = tf.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ units: 5, activation: 'tanh' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: [image, label], outputs: x });
  }

  test('three Adam steps give the same weights as on cpu', () => {
    const images = randomInput([4, 8, 8, 1], 21);
    const labels = { shape: [4, 1], values: new Float32Array([0, 1, 2, 1]) };
    const train = (backend: string): Float32Array[] => {
      tf.setBackend(backend);
      const weights = tf.tidy(() => {
        const model = buildModel();
        model.getWeights().forEach((w, i) => (w as tf.Variable).assign(tf.tensor(randomInput(w.shape, 300 + i).values, w.shape).mul(0.3)));
        const optimizer = tf.train.adam(1e-2, 0.5);
        const xs = tf.tensor(images.values, images.shape);
        const ls = tf.tensor(labels.values, labels.shape);
        const ys = tf.ones([4, 1]);
        for (let step = 0; step < 3; step++) {
          optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(ys, model.apply([xs, ls], { training: true }) as tf.Tensor) as tf.Scalar);
        }
        return model.getWeights().map((w) => w.dataSync() as Float32Array);
      });
      return weights;
    };
    const expected = train('cpu');
    const actual = train('wasm');
    expected.forEach((want, i) => {
      const got = actual[i];
      for (let j = 0; j < want.length; j++) {
        assert.ok(Math.abs(got[j] - want[j]) < 1e-4, `weight ${i}[${j}]: wasm ${got[j]} vs cpu ${want[j]}`);
      }
    });
  });
});
