import { z } from 'zod';
import { presetIdSchema, type PresetId } from './presets.js';
import type { DatasetManifest } from './dataset.js';
import type { CheckpointInfo } from './checkpoint.js';
import type { RunInfo } from './training.js';

export const PROJECT_FORMAT = 'gan-studio/project';
export const PROJECT_FORMAT_VERSION = 1;

/** <project>/project.json */
export const projectFileSchema = z.object({
  format: z.literal(PROJECT_FORMAT),
  version: z.number().int(),
  name: z.string().min(1),
  createdAt: z.string(),
  /** The preset and params the user last chose; runs keep their own copy. */
  preset: presetIdSchema.default('dcgan'),
  params: z.record(z.string(), z.unknown()).default({}),
  /** The params last chosen for each preset, so switching preset and back restores them. */
  presetParams: z.partialRecord(presetIdSchema, z.record(z.string(), z.unknown())).default({}),
});
export type ProjectFile = z.output<typeof projectFileSchema>;

/** The params the user last gave `preset` in this project (empty: the preset's defaults). */
export function rememberedParams(file: Pick<ProjectFile, 'preset' | 'params' | 'presetParams'>, preset: PresetId): Record<string, unknown> {
  return preset === file.preset ? file.params : (file.presetParams[preset] ?? {});
}

/** The project file with `preset` chosen with `params`, remembered for that preset beside the others'. */
export function withPresetChoice(file: ProjectFile, preset: PresetId, params: Record<string, unknown>): ProjectFile {
  return { ...file, preset, params, presetParams: { ...file.presetParams, [file.preset]: file.params, [preset]: params } };
}

/** What the studio shows about an open project. */
export interface ProjectSummary {
  path: string;
  project: ProjectFile;
  dataset: DatasetManifest | null;
  runs: RunSummary[];
}

export interface RunSummary {
  run: RunInfo;
  checkpoints: CheckpointInfo[];
}
