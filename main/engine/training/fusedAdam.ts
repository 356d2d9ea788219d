import * as tf from '@tensorflow/tfjs';

type NamedTensor = { name: string; tensor: tf.Tensor };

/**
 * Adam for a whole model in one pass: the gradients are joined into one flat tensor, the moments
 * live in two flat variables, and the update is split back into the weights. tfjs's own Adam runs
 * ~14 ops and makes ~6 scalar tensors per weight per step, which is about half a native training
 * step; this runs ~15 ops per model plus ~4 per weight.
 *
 * The arithmetic is tfjs's AdamOptimizer's, op for op and in float32 (moments, bias corrections,
 * epsilon inside the square root's sum), so a run's numbers do not change; getWeights/setWeights
 * use its format ([iterations, ...name/m, ...name/v], matched by position), so checkpoints written
 * by either open in the other.
 */
export class FusedAdam extends tf.Optimizer {
  static get className(): string {
    return 'FusedAdam';
  }

  private readonly constants: Record<'beta1' | 'oneMinusBeta1' | 'beta2' | 'oneMinusBeta2' | 'minusLearningRate' | 'epsilon', tf.Scalar>;
  /** beta^t as float32 numbers, advanced exactly as tfjs's accBeta variables are (float32 products). */
  private accBeta1: number;
  private accBeta2: number;
  private iterationCount = 0;
  /** L2 norm of the last update's whole gradient, kept on the device for the step's metrics. */
  gradientNorm: tf.Scalar | null = null;
  private slots: { names: string[]; shapes: number[][]; sizes: number[]; m: tf.Variable; v: tf.Variable } | null = null;

  constructor(
    readonly learningRate: number,
    readonly beta1: number,
    readonly beta2: number,
    epsilon = tf.backend().epsilon(),
  ) {
    super();
    this.accBeta1 = Math.fround(beta1);
    this.accBeta2 = Math.fround(beta2);
    this.constants = tf.tidy(() => ({
      beta1: tf.keep(tf.scalar(beta1)),
      oneMinusBeta1: tf.keep(tf.scalar(1 - beta1)),
      beta2: tf.keep(tf.scalar(beta2)),
      oneMinusBeta2: tf.keep(tf.scalar(1 - beta2)),
      minusLearningRate: tf.keep(tf.scalar(-learningRate)),
      epsilon: tf.keep(tf.scalar(epsilon)),
    }));
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const grads: NamedTensor[] = Array.isArray(variableGradients) ? variableGradients : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    const variables = grads.map((g) => tf.engine().registeredVariables[g.name]);
    const slots = this.slotsFor(grads, variables);
    const c = this.constants;
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.scalar(Math.fround(1 - this.accBeta1));
      const oneMinusAccBeta2 = tf.scalar(Math.fround(1 - this.accBeta2));
      const gradient = tf.concat(grads.map((g) => g.tensor.reshape([-1])));
      this.gradientNorm?.dispose();
      this.gradientNorm = tf.keep(tf.norm(gradient) as tf.Scalar);
      const m = tf.add(tf.mul(slots.m, c.beta1), tf.mul(gradient, c.oneMinusBeta1));
      const v = tf.add(tf.mul(slots.v, c.beta2), tf.mul(tf.square(gradient), c.oneMinusBeta2));
      slots.m.assign(m);
      slots.v.assign(v);
      const step = tf.mul(tf.div(tf.div(m, oneMinusAccBeta1), tf.add(tf.sqrt(tf.div(v, oneMinusAccBeta2)), c.epsilon)), c.minusLearningRate);
      const parts = tf.split(step, slots.sizes);
      variables.forEach((variable, i) => variable.assign(tf.add(parts[i].reshape(slots.shapes[i]), variable)));
    });
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
    this.iterationCount++;
  }

  /** The flat moments, made at the first update (as tfjs makes its moments lazily) or by setWeights. */
  private slotsFor(grads: NamedTensor[], variables: tf.Variable[]) {
    const shapes = variables.map((v) => v.shape);
    if (this.slots) {
      const same = this.slots.sizes.length === shapes.length && shapes.every((s, i) => tf.util.sizeFromShape(s) === this.slots!.sizes[i]);
      if (!same) throw new Error('FusedAdam: the weights to update are not those its moments were made for');
      this.slots.shapes = shapes;
      return this.slots;
    }
    const sizes = shapes.map((s) => tf.util.sizeFromShape(s));
    const total = sizes.reduce((a, b) => a + b, 0);
    this.slots = { names: grads.map((g) => g.name), shapes, sizes, m: flatVariable(() => tf.zeros([total])), v: flatVariable(() => tf.zeros([total])) };
    return this.slots;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const iterations = { name: 'iter', tensor: tf.scalar(this.iterationCount, 'int32') };
    if (!this.slots) return [iterations];
    const { names, shapes, sizes, m, v } = this.slots;
    const unflatten = (flat: tf.Tensor, suffix: string) => tf.split(flat, sizes).map((part, i) => ({ name: `${names[i]}/${suffix}`, tensor: part.reshape(shapes[i]) }));
    return [iterations, ...tf.tidy(() => unflatten(m, 'm')), ...tf.tidy(() => unflatten(v, 'v'))];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const [first, ...moments] = weightValues;
    this.iterationCount = first ? (await first.tensor.data())[0] : 0;
    // As tfjs's Adam does on load: beta^(t+1) by pow, not the running product.
    const [acc1, acc2] = tf.tidy(() => [tf.pow(this.beta1, this.iterationCount + 1).dataSync()[0], tf.pow(this.beta2, this.iterationCount + 1).dataSync()[0]]);
    this.accBeta1 = acc1;
    this.accBeta2 = acc2;
    this.disposeSlots();
    if (moments.length === 0) return;
    const count = moments.length / 2;
    const ms = moments.slice(0, count);
    const vs = moments.slice(count);
    this.slots = {
      names: ms.map((w) => w.name.replace(/\/m$/, '')),
      shapes: ms.map((w) => w.tensor.shape),
      sizes: ms.map((w) => w.tensor.size),
      m: flatVariable(() => tf.concat(ms.map((w) => w.tensor.reshape([-1])))),
      v: flatVariable(() => tf.concat(vs.map((w) => w.tensor.reshape([-1])))),
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2 };
  }

  override dispose(): void {
    this.disposeSlots();
    this.gradientNorm?.dispose();
    this.gradientNorm = null;
    for (const t of Object.values(this.constants)) t.dispose();
  }

  private disposeSlots(): void {
    this.slots?.m.dispose();
    this.slots?.v.dispose();
    this.slots = null;
  }
}

/** A non-trainable variable holding `init()`'s values; the tensors made on the way are freed (tidy does not track variables). */
const flatVariable = (init: () => tf.Tensor): tf.Variable => tf.tidy(() => tf.variable(init(), false));
