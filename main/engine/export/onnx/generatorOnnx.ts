import type * as tf from '@tensorflow/tfjs';
import type { ExportMetadata } from '../../../../shared/export.js';
import { checkOnnxModel } from './checkOnnx.js';
import { generatorToOnnxGraph } from './fromLayers.js';
import { encodeOnnxModel, type OnnxModel } from './onnxProto.js';

/** Opset 13 is the oldest with every op used here in its current form (Clip's min/max inputs); IR 7 goes with it. */
export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;

/**
 * The generator as an .onnx file. The metadata travels inside too (metadata_props, which
 * onnxruntime shows as custom_metadata_map), so a lone .onnx file still says what it draws.
 * The graph is checked before it is written: a model this code cannot vouch for is never saved.
 */
export function generatorToOnnx(generator: tf.LayersModel, metadata: ExportMetadata): Uint8Array {
  const model: OnnxModel = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'GAN Studio',
    producerVersion: metadata.appVersion,
    docString: `${metadata.presetTitle} generator trained on ${metadata.dataset.name} (${metadata.training.runId}, step ${metadata.training.step}). Inputs: ${metadata.inputs?.map((i) => i.name).join(', ')}; outputs: ${metadata.outputs?.map((o) => o.name).join(', ')}.`,
    graph: generatorToOnnxGraph(generator),
    metadataProps: [
      { key: 'gan_studio', value: JSON.stringify(metadata) },
      { key: 'noise_size', value: String(metadata.noise.size) },
      { key: 'classes', value: JSON.stringify(metadata.classes.map((c) => c.name)) },
      { key: 'output_range', value: metadata.output.range.join(',') },
    ],
  };
  const { problems } = checkOnnxModel(model);
  if (problems.length) throw new Error(`The ONNX graph failed its check: ${problems.join('; ')}`);
  return encodeOnnxModel(model);
}
