import type { CheckpointFile } from '../../../shared/checkpoint.js';
import type { ExportMetadata } from '../../../shared/export.js';
import type { TrainedGenerator } from '../checkpoint/openGenerator.js';

/** Everything a format writer gets: the generator, the choices made, and where to write. */
export interface ExportContext {
  /** The staging folder; it becomes the export folder once the writer has finished. */
  dir: string;
  file: CheckpointFile;
  models: TrainedGenerator;
  /** The metadata every format shares; a writer adds its own fields. */
  base: ExportMetadata;
  /** Images to draw (per class for conditional generators), or interpolation paths for the GIF. */
  count: number;
  /** Class ids to draw (conditional generators; empty otherwise). */
  classIds: number[];
  seed: number;
  signal?: AbortSignal;
  progress(stage: string, done: number, total: number): void;
}

export interface FormatOutput {
  metadata: ExportMetadata;
  /** One line for the user, without the destination (the caller adds it). */
  summary: string;
}

export type FormatWriter = (ctx: ExportContext) => Promise<FormatOutput>;
