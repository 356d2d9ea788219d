import { z } from 'zod';
import { presetIdSchema } from './presets.js';

/** metadata.json, written beside every export. */
export const EXPORT_FORMAT = 'gan-studio/export';
export const EXPORT_FORMAT_VERSION = 1;
export const EXPORT_METADATA_FILE = 'metadata.json';

export const exportFormatIds = ['tfjs', 'onnx', 'images', 'gif', 'web'] as const;
export type ExportFormatId = (typeof exportFormatIds)[number];
export const exportFormatIdSchema = z.enum(exportFormatIds);

/** What an export format is, for the Export screen and `gan-studio export --help`. */
export interface ExportFormatInfo {
  id: ExportFormatId;
  title: string;
  /** One or two plain sentences: what it is and who opens it. */
  description: string;
  kind: 'model' | 'images' | 'animation' | 'web page';
  /** The files the export folder holds. */
  produces: string;
  /** Which of count / classes / seed the format reads; the others are ignored. */
  options: readonly ('count' | 'classes' | 'seed')[];
  /** Images drawn when no count is given (per class for conditional generators); 0 when count is not used. */
  defaultCount: number;
}

export const exportFormats: readonly ExportFormatInfo[] = [
  {
    id: 'tfjs',
    title: 'TensorFlow.js model',
    description: 'The generator as a TensorFlow.js Layers model: tf.loadLayersModel opens it in a browser or in Node.',
    kind: 'model',
    produces: 'model.json, weights.bin, metadata.json',
    options: [],
    defaultCount: 0,
  },
  {
    id: 'onnx',
    title: 'ONNX model',
    description: 'The generator as ONNX (opset 13) for onnxruntime in Python, C#, C++ and game engines.',
    kind: 'model',
    produces: 'generator.onnx, metadata.json',
    options: [],
    defaultCount: 0,
  },
  {
    id: 'images',
    title: 'Images',
    description: 'New images as PNG files (one folder per class for conditional generators) and a sample sheet.',
    kind: 'images',
    produces: 'images/…/*.png, sheet.png, metadata.json',
    options: ['count', 'classes', 'seed'],
    defaultCount: 64,
  },
  {
    id: 'gif',
    title: 'Latent walk animation',
    description: 'An animated GIF gliding between random points of the noise space (spherical interpolation).',
    kind: 'animation',
    produces: 'interpolation.gif, metadata.json',
    options: ['count', 'classes', 'seed'],
    defaultCount: 8,
  },
  {
    id: 'web',
    title: 'Web page',
    description: 'A self-contained page that draws new samples at a click; it opens from disk or any static host, offline.',
    kind: 'web page',
    produces: 'index.html, app.js, model.js, tf.min.js, metadata.json',
    options: [],
    defaultCount: 0,
  },
];

/** What the caller may choose; every field is optional. */
export interface ExportOptions {
  /** Images to draw (per class for conditional generators); GIF: interpolation paths. */
  count?: number;
  /** Class names or ids to draw (conditional generators only); all classes when left out. */
  classes?: (string | number)[];
  /** Seed of the noise, so an export can be drawn again; a fresh one when left out. */
  seed?: number;
  /** Replace an existing export folder (only one GAN Studio wrote, or an empty one). */
  force?: boolean;
}

export const MAX_EXPORT_COUNT = 10000;

/** The folder an export goes to inside <project>/exports/ when the user names none. */
export const defaultExportFolder = (runId: string, checkpointId: string, format: ExportFormatId): string => `${runId}-${checkpointId}-${format}`;

/**
 * Export refusals name the command line's --force (the engine speaks for the command line); a
 * window names its own control instead, so no screen tells the user to type a flag.
 */
export function forWindow(message: string, control = 'tick “Replace an earlier export”'): string {
  return message.replace('(--force)', `(${control})`).replace('even with --force', 'even when replacing is allowed');
}

export const exportOptionsSchema = z
  .object({
    count: z.number().int().min(1).max(MAX_EXPORT_COUNT).optional(),
    classes: z.array(z.union([z.string(), z.number().int().min(0)])).min(1).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    force: z.boolean().optional(),
  })
  .strict();

export interface ExportProgress {
  /** What is being done, in words: "Drawing images", "Writing ONNX", ... */
  stage: string;
  done: number;
  total: number;
}

const tensorInfoSchema = z.object({
  name: z.string(),
  dtype: z.enum(['float32', 'int64', 'uint8']),
  /** "batch" marks the dynamic batch dimension. */
  shape: z.array(z.union([z.number().int(), z.literal('batch')])),
  description: z.string(),
});
export type ExportTensorInfo = z.output<typeof tensorInfoSchema>;

export const exportMetadataSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.number().int(),
  exportFormat: exportFormatIdSchema,
  appVersion: z.string(),
  exportedAt: z.string(),
  /** The model file, relative to the metadata file (model formats and the web page). */
  model: z.string().optional(),
  preset: presetIdSchema,
  presetTitle: z.string(),
  params: z.record(z.string(), z.unknown()),
  noise: z.object({ size: z.number().int().min(1), distribution: z.literal('normal'), mean: z.number(), std: z.number() }),
  conditional: z.boolean(),
  /** Class ids and names, in label order; empty for unconditional generators. */
  classes: z.array(z.object({ id: z.number().int(), name: z.string() })),
  image: z.object({ height: z.number().int(), width: z.number().int(), channels: z.number().int(), layout: z.literal('NHWC') }),
  output: z.object({ range: z.tuple([z.number(), z.number()]), toPixels: z.string() }),
  /** The model's inputs and outputs (model formats). */
  inputs: z.array(tensorInfoSchema).optional(),
  outputs: z.array(tensorInfoSchema).optional(),
  training: z.object({
    runId: z.string(),
    checkpointId: z.string(),
    step: z.number().int(),
    epoch: z.number().int(),
    seed: z.number().int(),
    backend: z.string().optional(),
    checkpointCreatedAt: z.string(),
  }),
  dataset: z.object({ name: z.string(), count: z.number().int() }),
  /** How the images of an images/gif export were drawn, so they can be drawn again. */
  samples: z
    .object({
      seed: z.number().int(),
      count: z.number().int(),
      classes: z.array(z.number().int()),
      files: z.number().int(),
    })
    .optional(),
  /** The latent walk of a gif export. */
  animation: z
    .object({
      file: z.string(),
      width: z.number().int(),
      height: z.number().int(),
      frames: z.number().int(),
      delayMs: z.number().int(),
      /** Random points each path visits before it loops back to its first. */
      keyframes: z.number().int(),
      interpolation: z.literal('slerp'),
      /** Each cell's pixels are enlarged this many times (nearest neighbour). */
      scale: z.number().int(),
    })
    .optional(),
});
export type ExportMetadata = z.output<typeof exportMetadataSchema>;

export interface ExportResult {
  format: ExportFormatId;
  /** The finished export folder (absolute). */
  outDir: string;
  /** Every file written, relative to outDir, sorted. */
  files: string[];
  bytes: number;
  metadata: ExportMetadata;
  /** One line for the user, e.g. "Wrote 64 PNG images of 28x28 (...) to /x/y". */
  summary: string;
}

/** How the generator's output maps to 8-bit pixels; the same words go into every metadata.json. */
export const TO_PIXELS = 'pixel = clip(round((value + 1) * 127.5), 0, 255)';

/** Input and output names of the exported models. */
export const modelIO = {
  noise: 'noise',
  /** TF.js: float32 [batch, 1]; ONNX: int64 [batch]. */
  tfjsClass: 'class',
  onnxClass: 'class_id',
  image: 'image',
  pixels: 'pixels',
} as const;
