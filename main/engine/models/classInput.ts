import * as tf from '@tensorflow/tfjs';
import type { InitSeeds } from './seeds.js';

/**
 * A learned class embedding flattened to [batch, dims]. It starts N(0, 1) (PyTorch's default, as
 * in the common cGAN code) so the label weighs about as much as the noise or pixels it joins.
 */
export function embedClass(label: tf.SymbolicTensor, classes: number, dims: number, prefix: 'g' | 'd', initSeeds: InitSeeds): tf.SymbolicTensor {
  const embedded = tf.layers
    .embedding({
      inputDim: classes,
      outputDim: dims,
      name: `${prefix}_class_embedding`,
      embeddingsInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: initSeeds.next() }),
    })
    .apply(label) as tf.SymbolicTensor;
  return tf.layers.flatten({ name: `${prefix}_class_flat` }).apply(embedded) as tf.SymbolicTensor;
}

/** The generator's inputs: noise z, and for conditional presets a class id embedded and joined to z. */
export function generatorInput(
  noiseSize: number,
  conditional: { classes: number; dims: number } | null,
  initSeeds: InitSeeds,
): { inputs: tf.SymbolicTensor[]; joined: tf.SymbolicTensor } {
  const z = tf.input({ shape: [noiseSize], name: 'noise' });
  if (!conditional) return { inputs: [z], joined: z };
  const label = tf.input({ shape: [1], name: 'class' });
  const e = embedClass(label, conditional.classes, conditional.dims, 'g', initSeeds);
  return { inputs: [z, label], joined: tf.layers.concatenate({ name: 'g_join' }).apply([z, e]) as tf.SymbolicTensor };
}
