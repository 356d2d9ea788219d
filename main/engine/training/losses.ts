import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from '../../../shared/recipes.js';

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

/** D's and G's losses from D's raw outputs (logits, or a critic's scores for the Wasserstein loss). */
export interface AdversarialLoss {
  /** `realTarget` is 1 minus one-sided label smoothing; the margin and Wasserstein losses have no target and ignore it. */
  discriminator(realLogits: tf.Tensor, fakeLogits: tf.Tensor, realTarget: number): tf.Scalar;
  generator(fakeLogits: tf.Tensor): tf.Scalar;
}

const meanSquare = (x: tf.Tensor): tf.Scalar => tf.mean(tf.square(x));

export const adversarialLosses: Record<GanLoss, AdversarialLoss> = {
  /** Goodfellow et al. 2014, with G's non-saturating form: G maximises log D(G(z)). */
  bce: {
    discriminator: (real, fake, target) => tf.tidy(() => tf.add(bceWithLogits(real, target), bceWithLogits(fake, 0))),
    generator: (fake) => bceWithLogits(fake, 1),
  },
  /** Lim & Ye 2017 (as in SAGAN, BigGAN): D pushes reals above +1 and fakes below -1; G raises D's score. */
  hinge: {
    discriminator: (real, fake) => tf.tidy(() => tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake))))),
    generator: (fake) => tf.tidy(() => tf.neg(tf.mean(fake)) as tf.Scalar),
  },
  /** Mao et al. 2017, the 0-1 coding: D regresses reals to 1 and fakes to 0; G pulls fakes to 1. */
  lsgan: {
    discriminator: (real, fake, target) => tf.tidy(() => tf.mul(0.5, tf.add(meanSquare(tf.sub(real, target)), meanSquare(fake)))),
    generator: (fake) => tf.tidy(() => tf.mul(0.5, meanSquare(tf.sub(fake, 1)))),
  },
  /** Arjovsky et al. 2017 / Gulrajani et al. 2017: the critic's score gap; the gradient penalty is added by the trainer. */
  'wgan-gp': {
    discriminator: (real, fake) => tf.tidy(() => tf.sub(tf.mean(fake), tf.mean(real))),
    generator: (fake) => tf.tidy(() => tf.neg(tf.mean(fake)) as tf.Scalar),
  },
};
