import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { NamedTensor } from './weightsFile.js';

/**
 * The generator in the TensorFlow.js Layers format (model.json + weights.bin) that
 * tf.loadLayersModel opens in a browser and in Node; checkpoints and the tfjs export share it.
 */
export async function writeLayersModel(model: tf.LayersModel, dir: string, weightsName = 'weights.bin'): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData instanceof ArrayBuffer ? artifacts.weightData : tf.io.concatenateArrayBuffers(artifacts.weightData as ArrayBuffer[]);
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs }],
      };
      await writeFile(join(dir, weightsName), new Uint8Array(data));
      await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** The parts of a Layers model folder (model.json + weight shards). */
export async function readLayersArtifacts(dir: string): Promise<{ modelTopology: object; weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer }> {
  const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const shards = await Promise.all(modelJson.weightsManifest.flatMap((group) => group.paths).map((p) => readFile(join(dir, p))));
  const weightData = tf.io.concatenateArrayBuffers(shards.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
  return { modelTopology: modelJson.modelTopology, weightSpecs, weightData };
}

/** Opens a Layers model folder written by writeLayersModel (or any tfjs Layers export). */
export async function readLayersModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(await readLayersArtifacts(dir)));
}

/** The generator's weights as named tensors, in the model's order. */
export async function readLayersWeights(dir: string): Promise<NamedTensor[]> {
  const { weightSpecs, weightData } = await readLayersArtifacts(dir);
  const map = tf.io.decodeWeights(weightData, weightSpecs);
  return weightSpecs.map((s) => ({ name: s.name, tensor: map[s.name] }));
}
