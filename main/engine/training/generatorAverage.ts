import * as tf from '@tensorflow/tfjs';

/**
 * An exponential moving average of G's weights (Karras et al. 2018; Yazıcı et al. 2019): after
 * each generator update, avg = β·avg + (1 - β)·w. β ramps up as min(decay, (1 + t)/(10 + t)), as
 * TensorFlow's ExponentialMovingAverage does with num_updates, so a short run is not an average
 * dominated by its untrained start. Batch-norm statistics are copied, not averaged (as StyleGAN
 * does with buffers). The average is what samples, measures and exports use.
 */
export class GeneratorAverage {
  readonly generator: tf.LayersModel;

  constructor(
    private readonly source: tf.LayersModel,
    readonly decay: number,
  ) {
    this.generator = tf.LayersModel.fromConfig(tf.LayersModel, source.getConfig()) as tf.LayersModel;
    this.copyFrom(source);
  }

  /** β for the update that completes generator step `step` (1 for the first update). */
  static beta(decay: number, step: number): number {
    return Math.min(decay, (1 + step) / (10 + step));
  }

  /** Moves the average towards G after G's update number `step`. */
  update(step: number): void {
    const beta = GeneratorAverage.beta(this.decay, step);
    tf.tidy(() => {
      const weights = this.source.weights;
      this.generator.weights.forEach((average, i) => {
        const w = weights[i].read();
        average.write(average.trainable ? tf.add(w, tf.mul(tf.sub(average.read(), w), beta)) : tf.clone(w));
      });
    });
  }

  /** Makes the average equal G (a new run starts from G's initial weights). */
  copyFrom(model: tf.LayersModel): void {
    tf.tidy(() => this.generator.weights.forEach((average, i) => average.write(tf.clone(model.weights[i].read()))));
  }

  dispose(): void {
    this.generator.dispose();
  }
}
