import * as tf from '@tensorflow/tfjs';

/**
 * Penalties on D's gradient with respect to its input images. Each needs the gradient of a
 * gradient: tfjs has none for its comparison ops (used by LeakyReLU's and ReLU's gradients), whose
 * gradient is zero almost everywhere, so that zero is registered once here.
 */
let registered = false;
export function enableSecondOrderGradients(): void {
  if (registered) return;
  registered = true;
  for (const kernelName of ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual']) {
    if (tf.getGradient(kernelName)) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => ({ a: () => tf.zerosLike(saved[0]), b: () => tf.zerosLike(saved[1]) }),
    });
  }
}

/** D's output for a batch of images (its class input, if any, already bound). */
export type Critic = (images: tf.Tensor4D) => tf.Tensor;

/** Per-image squared L2 norm of d(sum of D's outputs)/d(images): [batch]. */
function squaredGradientNorms(critic: Critic, images: tf.Tensor4D): tf.Tensor1D {
  enableSecondOrderGradients();
  // Each image's output depends only on that image, so the gradient of the sum holds each image's
  // own gradient (exactly so without batch norm in D; with it, the small batch-statistics term is
  // included, as in PyTorch code that penalises a batch-norm D).
  const gradient = tf.grad((x: tf.Tensor) => tf.sum(critic(x as tf.Tensor4D)))(images);
  return tf.sum(tf.square(gradient), [1, 2, 3]) as tf.Tensor1D;
}

/**
 * WGAN-GP (Gulrajani et al. 2017): λ · E[(‖∇D(x̂)‖ - 1)²] at x̂ = εx + (1 - ε)G(z), ε ~ U[0, 1] per image.
 * `mix` holds the ε of each image ([batch]).
 */
export function gradientPenalty(critic: Critic, real: tf.Tensor4D, fake: tf.Tensor4D, mix: tf.Tensor1D, weight: number): tf.Scalar {
  return tf.tidy(() => {
    const eps = mix.reshape([-1, 1, 1, 1]);
    const between = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake)) as tf.Tensor4D;
    // A tiny floor keeps the square root's gradient finite where D is flat.
    const norms = tf.sqrt(tf.add(squaredGradientNorms(critic, between), 1e-12));
    return tf.mul(weight, tf.mean(tf.square(tf.sub(norms, 1)))) as tf.Scalar;
  });
}

/** R1 (Mescheder et al. 2018): γ/2 · E[‖∇D(x)‖²] on real images. */
export function r1Penalty(critic: Critic, real: tf.Tensor4D, gamma: number): tf.Scalar {
  return tf.tidy(() => tf.mul(gamma / 2, tf.mean(squaredGradientNorms(critic, real))) as tf.Scalar);
}
