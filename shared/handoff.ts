import type { ExportMetadata } from './export.js';
import type { PresetId, PresetParams } from './presets.js';

/**
 * Hand-offs to the tools people run on many GPUs: the dataset as StyleGAN2-ADA / StyleGAN3 and
 * numpy read it, and the run as a PyTorch job. Exported by `gan-studio export` like the
 * generator formats, but they carry the dataset (and the run's recipe) rather than a model.
 */
export const handoffFormatIds = ['stylegan-dataset', 'npz', 'pytorch'] as const;
export type HandoffFormatId = (typeof handoffFormatIds)[number];

export interface HandoffFormatInfo {
  id: HandoffFormatId;
  /** One or two plain sentences for `gan-studio export --help`. */
  description: string;
  /** A single file (--out names it) or a folder. */
  output: 'file' | 'folder';
  /** What is written, in words. */
  produces: string;
}

export const handoffFormats: readonly HandoffFormatInfo[] = [
  {
    id: 'stylegan-dataset',
    description: 'The dataset as StyleGAN2-ADA / StyleGAN3 read it: train.py --data data.zip (--cond 1 with classes).',
    output: 'file',
    produces: 'a .zip of PNGs (00000/img00000000.png, ...) and dataset.json with [file, class] labels',
  },
  {
    id: 'npz',
    description: 'The dataset for numpy and any other tool: np.load("data.npz").',
    output: 'file',
    produces: 'an .npz with images (uint8 N x H x W x C), labels (int64 N) and class_names',
  },
  {
    id: 'pytorch',
    description: 'A self-contained PyTorch job of the run: the same layers, initialisation, loss and Adam settings, for torchrun on many GPUs.',
    output: 'folder',
    produces: 'train.py and its modules, job.json, data/dataset.npz, init/ (the checkpoint), README.md',
  },
];

/** What `import-generator` (and the Runs screen's button) made of an .onnx file. */
export interface ImportedGenerator {
  runId: string;
  checkpointId: string;
  step: number;
  preset: PresetId;
  /** Metric lines brought along from a metrics.jsonl beside the .onnx file. */
  metrics: number;
  /** One line for the user. */
  summary: string;
}

export const isHandoffFormat = (format: string): format is HandoffFormatId => (handoffFormatIds as readonly string[]).includes(format);

/** StyleGAN's networks are built for square images whose side is a power of two, 4 or more. */
export const isStyleganResolution = (size: number): boolean => Number.isInteger(size) && size >= 4 && (size & (size - 1)) === 0;

export const PYTORCH_JOB_FORMAT = 'gan-studio/pytorch-job';
export const PYTORCH_JOB_VERSION = 1;
export const PYTORCH_JOB_FILE = 'job.json';
/** train.py's default --out inside the job folder. */
export const PYTORCH_JOB_OUTPUT = 'output';

/** job.json: what train.py builds and trains, read from the run (never retyped). */
export interface PytorchJobFile {
  format: typeof PYTORCH_JOB_FORMAT;
  version: number;
  /** Names the job's generator when it comes back: "<run>-pytorch". */
  name: string;
  appVersion: string;
  exportedAt: string;
  preset: PresetId;
  presetTitle: string;
  /** Every preset parameter, defaults filled in. */
  params: PresetParams;
  seed: number;
  /** The run's planned epochs: train.py's default. */
  epochs: number;
  image: { height: number; width: number; channels: number };
  /** The dataset's classes in label order (empty when unlabelled). */
  classes: { id: number; name: string }[];
  dataset: { name: string; count: number; file: string };
  /** The recipe's augment "auto" is on below this many images (shared/recipes.ts), judged on the job's own dataset. */
  augmentAutoBelow: number;
  /** The studio checkpoint the job was exported from; its weights are in `init` when present. */
  source: { runId: string; checkpointId: string; step: number; epoch: number; backend?: string };
  init: string | null;
  /** The metadata generator.onnx carries; train.py fills in `training` and `exportedAt`. */
  onnxMetadata: ExportMetadata;
}
