/**
 * The protocol of the tensor worker (main/engine/tasks/tensorWorker.ts), the worker thread that
 * builds models, samples, exports and measures checkpoints off the main process's event loop.
 * Requests carry an id; every reply names it, and a job ends with exactly one `done` or `failed`.
 */
import type { ModelDescription } from './contract.js';
import type { ExploreRequest, ExploreResults, ExploreView } from './explore.js';
import type { ExportFormatId, ExportOptions, ExportProgress, ExportResult } from './export.js';
import type { ImportedGenerator } from './handoff.js';
import type { PresetId } from './presets.js';
import type { CheckpointEvaluation } from './quality.js';
import type { SampleGrid } from './training.js';

export type TensorJob =
  | { kind: 'describe'; preset: PresetId; params: Record<string, unknown>; shape: ModelDescription['image'] }
  | { kind: 'sample'; checkpointDir: string; seed: number }
  | { kind: 'export'; checkpointDir: string; format: ExportFormatId; outDir: string; options: ExportOptions }
  | { kind: 'measure'; projectDir: string; runId: string; checkpointId: string }
  | { kind: 'importGenerator'; projectDir: string; onnxFile: string }
  /** A latent explorer view of a checkpoint; the project's dataset is read for nearest real images. */
  | { kind: 'explore'; checkpointDir: string; projectDir: string; request: ExploreRequest };

export type TensorJobKind = TensorJob['kind'];
export type TensorJobOf<K extends TensorJobKind> = Extract<TensorJob, { kind: K }>;

/** What each kind of job resolves with. */
export interface TensorJobResults {
  describe: ModelDescription;
  sample: SampleGrid;
  export: ExportResult;
  measure: CheckpointEvaluation;
  importGenerator: ImportedGenerator;
  /** The result of the request's view (ExploreResults[view]). */
  explore: ExploreResults[ExploreView];
}

/** Caller -> worker. Only exports can be cancelled; a cancelled one fails with the name 'AbortError'. */
export type TensorWorkerRequest = { type: 'run'; id: number; job: TensorJob } | { type: 'cancel'; id: number };

/** Worker -> caller. Progress comes from exports and measuring (the feature network's training). */
export type TensorWorkerReply =
  | { type: 'progress'; id: number; progress: ExportProgress }
  | { [K in TensorJobKind]: { type: 'done'; id: number; kind: K; value: TensorJobResults[K] } }[TensorJobKind]
  | { type: 'failed'; id: number; error: string; name: string };
