import { z } from 'zod';
import { presetIdSchema, type PresetId, type PresetParams } from './presets.js';
import type { CheckpointInfo } from './checkpoint.js';
import { qualityTrainOptions, type QualityEvent } from './quality.js';

export const backendNames = ['gpu', 'native', 'wasm', 'cpu'] as const;
/** gpu = @tensorflow/tfjs-node-gpu (CUDA), native = @tensorflow/tfjs-node, wasm = WebAssembly, cpu = pure JS. */
export type BackendName = (typeof backendNames)[number];

export interface BackendInfo {
  name: BackendName;
  /** What the user is told, e.g. "GPU (CUDA, tfjs-node-gpu)" or "CPU (WebAssembly, 2 threads)". */
  label: string;
  device: 'gpu' | 'cpu';
  /** TensorFlow's own version, for the native backends. */
  tensorflowVersion?: string;
  /** Why faster backends were passed over, one line each. */
  notes: string[];
}

/** Checkpoint retention by default: the latest, the best and every 5th checkpoint are kept. */
export const DEFAULT_KEEP_EVERY = 5;

/** How long to train and how often to report; hyperparameters live in the preset params. */
export const trainOptionsSchema = z
  .object({
    preset: presetIdSchema,
    /** Raw preset params; defaults fill the gaps. */
    params: z.record(z.string(), z.unknown()).default({}),
    epochs: z.number().int().min(1).max(100000).default(10),
    /** Stop after this many steps in total (counting resumed ones); optional cap, mostly for tests and benchmarks. */
    maxSteps: z.number().int().min(1).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
    /** Checkpoint every N steps as well as at each epoch end; 0 = per epoch only. */
    checkpointEverySteps: z.number().int().min(0).default(0),
    /** Checkpoints kept: the latest, the best, and every Nth (steps that are multiples of N checkpoint intervals); 0 keeps all. */
    keepEvery: z.number().int().min(0).max(1_000_000).default(DEFAULT_KEEP_EVERY),
    /** Milliseconds between sample grids. */
    sampleIntervalMs: z.number().int().min(100).default(2000),
    /** Milliseconds between metric events (at most ~10 a second). */
    metricsIntervalMs: z.number().int().min(50).default(100),
    backend: z.enum(backendNames).optional(),
    /** quality, qualityMeasure, earlyStopPatience: see shared/quality.ts. */
    ...qualityTrainOptions,
  })
  .strict();
export type TrainOptions = z.input<typeof trainOptionsSchema>;
export type ResolvedTrainOptions = z.output<typeof trainOptionsSchema>;

/** What the advice view shows: nothing, D's gradient over the sample grid, or over a batch of real images. */
export const adviceViews = ['off', 'samples', 'real'] as const;
export type AdviceView = (typeof adviceViews)[number];

/** Updates taken by hand while paused: D updates, then a G update or not. */
export interface ManualStep {
  discriminator: number;
  generator: boolean;
}

/** Short fingerprints of G's and D's trainable weights: equal fingerprints, unchanged weights. */
export interface WeightFingerprints {
  generator: string;
  discriminator: string;
}

/** One logged step, as in runs/<id>/metrics.jsonl. */
export interface StepMetrics {
  step: number;
  epoch: number;
  dLoss: number;
  gLoss: number;
  /** Mean D(x) on the real batch (probability). */
  dReal: number;
  /** Mean D(G(z)) on the fake batch, measured before the D update. */
  dFake: number;
  /** Global L2 norm of D's and G's gradients in the step (absent in logs written before they were recorded). */
  gradNormD?: number;
  gradNormG?: number;
  /** Learning rates the step used. */
  learningRateD?: number;
  learningRateG?: number;
  /** Set on steps taken by hand while paused (Step D / Step G / Step both): what was updated. */
  manual?: ManualStep;
  imagesPerSec: number;
  /** Seconds left for the planned steps, from the recent rate. */
  etaSeconds: number;
  time: number;
}

/** A sample grid as RGBA bytes, one row per class for conditional presets. */
/** Pixels between the cells of a SampleGrid (drawn in a dark grey by engine/samples/grid.ts). */
export const SAMPLE_GRID_GAP = 2;

export interface SampleGrid {
  width: number;
  height: number;
  rows: number;
  cols: number;
  rgba: Uint8Array;
}

export const RUN_FORMAT = 'gan-studio/run';
export const RUN_FORMAT_VERSION = 1;
/** 'interrupted': the training process ended without stopping (killed, crashed, disk full); resumable. */
export const runStatuses = ['running', 'paused', 'stopped', 'completed', 'failed', 'interrupted'] as const;

/** runs/<id>/run.json: what a run trains and how it stands. */
export const runInfoSchema = z.object({
  format: z.literal(RUN_FORMAT),
  version: z.number().int(),
  id: z.string(),
  preset: presetIdSchema,
  /** The resolved preset params; checked against the preset again when the run resumes. */
  params: z.custom<PresetParams>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'must be an object'),
  seed: z.number().int(),
  epochs: z.number().int().min(1),
  stepsPerEpoch: z.number().int().min(0),
  createdAt: z.string(),
  backend: z.enum(backendNames).optional(),
  status: z.enum(runStatuses),
  message: z.string().optional(),
  /** The training process while the run is running or paused, to tell a live run from an interrupted one. */
  writer: z.object({ pid: z.number().int(), host: z.string(), started: z.string().optional() }).optional(),
  /** Set when this run was branched from an earlier checkpoint of another run. */
  parent: z.object({ runId: z.string(), checkpointId: z.string() }).optional(),
  /** Set when the run is a generator imported from an .onnx file: it has no discriminator and cannot be resumed. */
  imported: z
    .object({
      /** The .onnx file, as it was named. */
      file: z.string(),
      /** Who wrote it, from the ONNX producer fields, e.g. "GAN Studio PyTorch job torch 2.3.0". */
      producer: z.string(),
      /** What trained it, from its metadata, e.g. "pytorch 2.3.0 (8 x cuda)". */
      trainedBy: z.string().optional(),
      importedAt: z.string(),
    })
    .optional(),
});
export type RunInfo = z.output<typeof runInfoSchema>;

/** Everything the training process tells its caller. */
export type TrainingEvent =
  | {
      type: 'started';
      runId: string;
      backend: BackendInfo;
      preset: PresetId;
      params: PresetParams;
      stepsPerEpoch: number;
      totalSteps: number;
      step: number;
      resumedFrom?: string;
    }
  | ({ type: 'metrics'; totalSteps: number } & StepMetrics)
  | { type: 'sample'; step: number; epoch: number; grid: SampleGrid }
  /** D's advice (advice view on): `advice` is the heat map over `grid`, cell for cell. */
  | { type: 'advice'; step: number; view: Exclude<AdviceView, 'off'>; grid: SampleGrid; advice: SampleGrid }
  /** A step taken by hand, with fingerprints of G's and D's trainable weights after it. */
  | { type: 'manual-step'; step: number; manual: ManualStep; weights: WeightFingerprints }
  | { type: 'checkpoint'; checkpoint: CheckpointInfo }
  | { type: 'epoch'; epoch: number; step: number }
  /** `weights`: fingerprints of G's and D's trainable weights, when the run paused between steps. */
  | { type: 'paused'; step: number; weights?: WeightFingerprints }
  | { type: 'resumed'; step: number }
  | { type: 'finished'; step: number; reason: 'completed' | 'stopped' }
  | { type: 'failed'; step: number; message: string }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  /** Feature network progress, mode-collapse alarms and early stops (shared/quality.ts). */
  | QualityEvent;

/** What to train: a new run, or a resumed one (the latest run and checkpoint unless named). */
export interface TrainingRequest {
  projectDir: string;
  options: TrainOptions;
  resume?: { runId?: string; checkpointId?: string };
}

/** Messages from the training process to its caller: its events, then `ended` once the last one is sent (it exits next). */
export type TrainingProcessMessage = TrainingEvent | { type: 'ended' };

/** Messages from a caller to the training process. */
export type TrainingCommand =
  | { type: 'start'; request: TrainingRequest }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  /** While paused: take these updates by hand. */
  | { type: 'step'; manual: ManualStep }
  | { type: 'advice'; view: AdviceView };
