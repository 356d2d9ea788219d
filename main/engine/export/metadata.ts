import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckpointFile } from '../../../shared/checkpoint.js';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, modelIO, TO_PIXELS, type ExportFormatId, type ExportMetadata, type ExportTensorInfo } from '../../../shared/export.js';
import { presets } from '../../../shared/presets.js';

let cachedVersion: string | undefined;

/**
 * The app's version from its package.json, found by walking up from this file: the folder depth
 * differs between running from source, from dist/ and from a packaged app.
 */
export function appVersion(): string {
  if (cachedVersion) return cachedVersion;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'gan-studio' && pkg.version) return (cachedVersion = pkg.version);
    } catch {
      // no package.json here: keep climbing
    }
    const up = dirname(dir);
    if (up === dir) return (cachedVersion = 'unknown');
    dir = up;
  }
}

/** What every metadata.json says, from the checkpoint the export was made from. */
export function baseMetadata(file: CheckpointFile, noiseSize: number, exportFormat: ExportFormatId): ExportMetadata {
  const conditional = presets[file.preset].conditional;
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_FORMAT_VERSION,
    exportFormat,
    appVersion: appVersion(),
    exportedAt: new Date().toISOString(),
    preset: file.preset,
    presetTitle: presets[file.preset].title,
    params: file.params,
    noise: { size: noiseSize, distribution: 'normal', mean: 0, std: 1 },
    conditional,
    classes: conditional ? file.classes.map((name, id) => ({ id, name })) : [],
    image: { ...file.image, layout: 'NHWC' },
    output: { range: [-1, 1], toPixels: TO_PIXELS },
    training: {
      runId: file.runId,
      checkpointId: file.id,
      step: file.step,
      epoch: file.epoch,
      seed: file.seed,
      backend: file.backend,
      checkpointCreatedAt: file.createdAt,
    },
    dataset: file.dataset,
  };
}

const imageShape = (m: ExportMetadata) => ['batch', m.image.height, m.image.width, m.image.channels] as ExportTensorInfo['shape'];
const noiseInput = (m: ExportMetadata): ExportTensorInfo => ({
  name: modelIO.noise,
  dtype: 'float32',
  shape: ['batch', m.noise.size],
  description: `Noise z, one row per image, drawn from a standard normal distribution N(0, 1)`,
});
const classRange = (m: ExportMetadata) => `0..${m.classes.length - 1} (see "classes")`;

/** Inputs and outputs of the TF.js Layers model (its class input is float, as tfjs Embedding takes it). */
export function tfjsModelIO(m: ExportMetadata, outputName: string): Pick<ExportMetadata, 'inputs' | 'outputs'> {
  const inputs: ExportTensorInfo[] = [noiseInput(m)];
  if (m.conditional) {
    inputs.push({ name: modelIO.tfjsClass, dtype: 'float32', shape: ['batch', 1], description: `Class id per image as a float, ${classRange(m)}` });
  }
  return {
    inputs,
    outputs: [{ name: outputName, dtype: 'float32', shape: imageShape(m), description: `Images, NHWC, values in [-1, 1]; ${TO_PIXELS}` }],
  };
}

/** Inputs and outputs of the ONNX model; the class id is int64, as ONNX Gather takes it. */
export function onnxModelIO(m: ExportMetadata): Pick<ExportMetadata, 'inputs' | 'outputs'> {
  const inputs: ExportTensorInfo[] = [noiseInput(m)];
  if (m.conditional) {
    inputs.push({ name: modelIO.onnxClass, dtype: 'int64', shape: ['batch'], description: `Class id per image, ${classRange(m)}` });
  }
  return {
    inputs,
    outputs: [
      { name: modelIO.image, dtype: 'float32', shape: imageShape(m), description: 'Images, NHWC, values in [-1, 1]' },
      { name: modelIO.pixels, dtype: 'uint8', shape: imageShape(m), description: `The same images as 8-bit pixels: ${TO_PIXELS}` },
    ],
  };
}
