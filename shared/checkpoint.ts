import { z } from 'zod';
import { presetIdSchema } from './presets.js';

export const CHECKPOINT_FORMAT = 'gan-studio/checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;

/**
 * runs/<id>/checkpoints/<checkpoint id>/checkpoint.json. Beside it: generator/ (TF.js Layers
 * model.json + weights.bin: the generator to sample and export, G's moving average when the run
 * keeps one), generator-trained.{json,bin} (G's own weights, only with a moving average),
 * discriminator.{json,bin}, optimizer-g.{json,bin},
 * optimizer-d.{json,bin}, fixed-noise.{json,bin}, samples.png and metrics.jsonl (the run's
 * metrics up to this step).
 */
export const checkpointFileSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.number().int(),
  id: z.string(),
  runId: z.string(),
  step: z.number().int().min(0),
  epoch: z.number().int().min(0),
  preset: presetIdSchema,
  params: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  image: z.object({ height: z.number().int(), width: z.number().int(), channels: z.number().int() }),
  /** Class names in label order; empty for unlabelled data. */
  classes: z.array(z.string()),
  dataset: z.object({ name: z.string(), count: z.number().int() }),
  createdAt: z.string(),
  backend: z.string().optional(),
  losses: z
    .object({ dLoss: z.number(), gLoss: z.number(), dReal: z.number(), dFake: z.number(), gradNormD: z.number().optional(), gradNormG: z.number().optional() })
    .optional(),
  /** Quality measures, keyed by measure name, when computed. */
  quality: z.record(z.string(), z.number()).optional(),
});
export type CheckpointFile = z.output<typeof checkpointFileSchema>;

/** A complete checkpoint as lists and events show it. */
export interface CheckpointInfo {
  /** Directory name under runs/<id>/checkpoints/. */
  id: string;
  step: number;
  epoch: number;
  createdAt: string;
  /** Quality measures, keyed by measure name, when computed. */
  quality?: Record<string, number>;
}
