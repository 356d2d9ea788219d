import * as tf from '@tensorflow/tfjs';
import type { TrainedGenerator } from '../checkpoint/openGenerator.js';
import { toPixels } from '../samples/generate.js';

/** The generator's class embedding (classInput.ts names it) and the layer that flattens its output to a vector. */
const EMBEDDING = 'g_class_embedding';
const EMBEDDING_OUTPUT = 'g_class_flat';

/**
 * Draws `noise` (a row per image) with a class embedding that moves in a straight line from class
 * `from`'s row of the table to class `to`'s, one step per row: t = i / (rows - 1). The generator is
 * rebuilt from its embedding's output onwards, sharing its layers (and weights), so the vector can
 * be fed directly; at t = 0 and 1 it is exactly the table's row, the image G draws for that class.
 */
export async function morphPixels(models: TrainedGenerator, noise: tf.Tensor2D, from: number, to: number): Promise<Uint8Array> {
  const { generator, noiseSize } = models;
  const layer = generator.layers.find((l) => l.name === EMBEDDING);
  if (!layer) throw new Error(`This generator has no ${EMBEDDING} layer, so its classes cannot be morphed.`);
  const table = layer.getWeights()[0] as tf.Tensor2D;
  const dims = table.shape[1];
  const steps = noise.shape[0];
  const pastEmbedding = withEmbedding(generator, noiseSize, dims);
  const pixels = tf.tidy(() => {
    const t = tf.tensor2d(Float32Array.from({ length: steps }, (_, i) => i / (steps - 1)), [steps, 1]);
    const a = tf.slice(table, [from, 0], [1, dims]);
    const b = tf.slice(table, [to, 0], [1, dims]);
    // Written as a + t (b - a) would not return b exactly at t = 1; (1 - t) a + t b does.
    const embedded = tf.add(tf.mul(tf.sub(1, t), a), tf.mul(t, b));
    return toPixels(pastEmbedding.predict([noise, embedded], { batchSize: steps }) as tf.Tensor);
  });
  try {
    return Uint8Array.from(await pixels.data());
  } finally {
    pixels.dispose();
  }
}

/**
 * A model with inputs [noise, embedding vector] and G's output, made of G's own layers applied
 * again past the embedding. Not disposed on its own: its weights are G's and go with it.
 */
function withEmbedding(generator: tf.LayersModel, noiseSize: number, dims: number): tf.LayersModel {
  const noise = tf.input({ shape: [noiseSize], name: 'morph_noise' });
  const embedding = tf.input({ shape: [dims], name: 'morph_embedding' });
  const noiseLayer = generator.inputLayers[0].name;
  const made = new Map<string, tf.SymbolicTensor>([
    [noiseLayer, noise],
    [EMBEDDING_OUTPUT, embedding],
  ]);
  for (const layer of generator.layers) {
    if (made.has(layer.name)) continue;
    const inbound = layer.inboundNodes[0].inboundLayers.map((l) => made.get(l.name));
    // The class input and its embedding feed nothing here: the vector enters past them.
    if (inbound.length === 0 || inbound.some((t) => !t)) continue;
    const inputs = inbound as tf.SymbolicTensor[];
    made.set(layer.name, layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor);
  }
  const output = made.get(generator.outputLayers[0].name);
  if (!output) throw new Error(`This generator has no ${EMBEDDING_OUTPUT} layer feeding its image, so its classes cannot be morphed.`);
  return tf.model({ inputs: [noise, embedding], outputs: output });
}
