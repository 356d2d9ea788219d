import * as tf from '@tensorflow/tfjs';

/**
 * Binary cross-entropy of sigmoid(logits) against a constant target, in the stable
 * form max(l, 0) - l * t + log(1 + exp(-|l|)): the same loss as a sigmoid output with BCE.
 */
export function bceWithLogits(logits: tf.Tensor, target: number): tf.Scalar {
  return tf.tidy(() => {
    const stable = tf.add(tf.relu(logits), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(target === 0 ? stable : tf.sub(stable, tf.mul(logits, target)));
  });
}

/** Mean probability the discriminator gives: D(x) or D(G(z)). */
export const meanProbability = (logits: tf.Tensor): tf.Scalar => tf.tidy(() => tf.mean(tf.sigmoid(logits)));
