import * as tf from '@tensorflow/tfjs';

/**
 * Spectral normalization (Miyato et al. 2018): a layer's weight matrix W is divided by its largest
 * singular value σ(W), estimated by one step of power iteration per call with the vector u kept
 * between calls (a non-trainable weight, so it is saved with D and a resumed run goes on exactly).
 * The kernel is seen as a matrix of shape [fan-in, units]: a dense kernel as it is, a convolution's
 * [kh, kw, in, out] folded to [kh·kw·in, out].
 */

/** The same values with no gradient: u and v are constants for the gradient, as in the paper. */
const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as (x: tf.Tensor) => tf.Tensor;

const normalize = (x: tf.Tensor): tf.Tensor => tf.div(x, tf.add(tf.norm(x), 1e-12));

/**
 * One power-iteration step on `matrix` ([fanIn, units]) from `u` ([units]): v = norm(M u),
 * u' = norm(Mᵀ v), σ = vᵀ M u'. u' and v carry no gradient; σ does, through M.
 */
export function powerIteration(matrix: tf.Tensor2D, u: tf.Tensor1D): { sigma: tf.Scalar; u: tf.Tensor1D } {
  return tf.tidy(() => {
    const fixed = stopGradient(matrix) as tf.Tensor2D;
    const v = normalize(tf.matMul(fixed, u.reshape([-1, 1])));
    const next = normalize(tf.matMul(fixed, v, true, false));
    const sigma = tf.sum(tf.mul(v, tf.matMul(matrix, stopGradient(next)))) as tf.Scalar;
    return { sigma, u: stopGradient(next).reshape([-1]) as tf.Tensor1D };
  });
}

interface SpectralArgs {
  name: string;
  units: number;
  useBias: boolean;
  kernelInitializer: ReturnType<typeof tf.initializers.zeros>;
  seed: number;
}

/** The weights and the normalized kernel shared by the dense and convolution forms. */
abstract class SpectralLayer extends tf.layers.Layer {
  protected kernel!: tf.LayerVariable;
  protected bias: tf.LayerVariable | null = null;
  private u!: tf.LayerVariable;

  constructor(protected readonly args: SpectralArgs) {
    super({ name: args.name });
  }

  protected addSpectralWeights(kernelShape: number[]): void {
    const { units, useBias, kernelInitializer, seed } = this.args;
    this.kernel = this.addWeight('kernel', kernelShape, 'float32', kernelInitializer);
    if (useBias) this.bias = this.addWeight('bias', [units], 'float32', tf.initializers.zeros());
    this.u = this.addWeight('sn_u', [units], 'float32', tf.initializers.randomNormal({ mean: 0, stddev: 1, seed }), undefined, false);
    this.built = true;
  }

  /** W / σ(W), advancing u while training. */
  protected normalizedKernel(training: boolean): tf.Tensor {
    const kernel = this.kernel.read();
    const matrix = kernel.reshape([-1, this.args.units]) as tf.Tensor2D;
    const { sigma, u } = powerIteration(matrix, this.u.read() as tf.Tensor1D);
    if (training) this.u.write(u);
    return tf.div(kernel, sigma);
  }

  protected addBias(y: tf.Tensor): tf.Tensor {
    return this.bias ? tf.add(y, this.bias.read()) : y;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.args.units, useBias: this.args.useBias };
  }
}

/** A dense layer with spectral normalization. */
export class SpectralDense extends SpectralLayer {
  static className = 'SpectralDense';

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    this.addSpectralWeights([shape[shape.length - 1]!, this.args.units]);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.args.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return this.addBias(tf.matMul(x as tf.Tensor2D, this.normalizedKernel(kwargs.training ?? false) as tf.Tensor2D));
    });
  }
}

/** A 4x4 (or any square) stride-s 'same' convolution with spectral normalization. */
export class SpectralConv2D extends SpectralLayer {
  static className = 'SpectralConv2D';

  constructor(
    args: SpectralArgs,
    private readonly kernelSize: number,
    private readonly strides: number,
  ) {
    super(args);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    this.addSpectralWeights([this.kernelSize, this.kernelSize, shape[3]!, this.args.units]);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const out = (n: number | null) => (n === null ? null : Math.ceil(n / this.strides));
    return [shape[0], out(shape[1]), out(shape[2]), this.args.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      return this.addBias(tf.conv2d(x, this.normalizedKernel(kwargs.training ?? false) as tf.Tensor4D, this.strides, 'same'));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kernelSize: this.kernelSize, strides: this.strides };
  }
}

tf.serialization.registerClass(SpectralDense);
tf.serialization.registerClass(SpectralConv2D);
