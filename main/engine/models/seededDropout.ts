import * as tf from '@tensorflow/tfjs';
import type { StepSeeds } from './seeds.js';

interface SeededDropoutArgs extends tf.serialization.ConfigDict {
  rate: number;
}

/**
 * Dropout whose masks come from the trainer's per-step seeds. Stock Dropout draws from an
 * unseeded generator (or one fixed mask with a seed), which would make resumed runs diverge.
 * It lives only in discriminators, which are never exported as models.
 */
export class SeededDropout extends tf.layers.Layer {
  static className = 'SeededDropout';
  private readonly rate: number;
  private readonly seeds: StepSeeds | null;

  constructor(args: SeededDropoutArgs & { name?: string }, seeds: StepSeeds | null = null) {
    super({ name: args.name });
    this.rate = args.rate;
    this.seeds = seeds;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0 || !this.seeds) return tf.clone(x);
    return tf.dropout(x, this.rate, undefined, this.seeds.next());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(SeededDropout);
