import * as tf from '@tensorflow/tfjs';

/** One kernel measured on the active backend: GFLOP/s counts the useful multiply-adds ×2. */
export interface KernelFigure {
  name: string;
  ms: number;
  gflops: number;
}

interface KernelCase {
  name: string;
  flops: number;
  make: () => tf.Tensor[];
  run: (inputs: tf.Tensor[]) => tf.Tensor;
}

const matMulCase = (m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): KernelCase => ({
  name: `matMul ${m}x${k}x${n}${transposeA ? ' Aᵀ' : ''}${transposeB ? ' Bᵀ' : ''}`,
  flops: 2 * m * k * n,
  make: () => [tf.randomNormal(transposeA ? [k, m] : [m, k]), tf.randomNormal(transposeB ? [n, k] : [k, n])],
  run: ([a, b]) => tf.matMul(a, b, transposeA, transposeB),
});

/** The three products of one strided convolution layer: forward, input gradient, filter gradient. */
function convCases(label: string, x: number[], filter: number[], stride: number): KernelCase[] {
  const info = tf.backend_util.computeConv2DInfo(x as [number, number, number, number], filter as [number, number, number, number], stride, 1, 'same');
  const flops = 2 * tf.util.sizeFromShape(info.outShape) * filter[0] * filter[1] * filter[2];
  const attrs = { strides: stride, pad: 'same', dataFormat: 'NHWC' };
  return [
    {
      name: `conv2d ${label}`,
      flops,
      make: () => [tf.randomNormal(x), tf.randomNormal(filter)],
      run: ([xs, f]) => tf.conv2d(xs as tf.Tensor4D, f as tf.Tensor4D, stride, 'same'),
    },
    {
      name: `conv2d input gradient ${label}`,
      flops,
      make: () => [tf.randomNormal(info.outShape), tf.randomNormal(filter)],
      run: ([dy, f]) =>
        tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: f }, { ...attrs, inputShape: x } as unknown as tf.NamedAttrMap) as tf.Tensor,
    },
    {
      name: `conv2d filter gradient ${label}`,
      flops,
      make: () => [tf.randomNormal(x), tf.randomNormal(info.outShape)],
      run: ([xs, dy]) =>
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: xs, dy }, { ...attrs, filterShape: filter } as unknown as tf.NamedAttrMap) as tf.Tensor,
    },
  ];
}

export const kernelCases = (): KernelCase[] => [
  matMulCase(64, 1024, 784, false, false),
  matMulCase(64, 1024, 784, true, false),
  matMulCase(64, 1024, 784, false, true),
  matMulCase(256, 1024, 784, false, true),
  ...convCases('64x28x28x1 k4 s2 -> 64', [64, 28, 28, 1], [4, 4, 1, 64], 2),
  ...convCases('64x14x14x64 k4 s2 -> 128', [64, 14, 14, 64], [4, 4, 64, 128], 2),
];

/** Times each kernel (median of a few runs after a warm-up); a kernel the backend lacks is skipped with a note. */
export function benchKernels(runs = 7): Array<KernelFigure | { name: string; error: string }> {
  return kernelCases().map((c) => {
    const inputs = c.make();
    try {
      const times: number[] = [];
      for (let i = 0; i < runs + 2; i++) {
        const start = performance.now();
        const out = c.run(inputs);
        out.dataSync();
        out.dispose();
        if (i >= 2) times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      const ms = times[Math.floor(times.length / 2)];
      return { name: c.name, ms, gflops: c.flops / ms / 1e6 };
    } catch (error) {
      return { name: c.name, error: (error as Error).message.split('\n')[0] };
    } finally {
      tf.dispose(inputs);
    }
  });
}
