import { z } from 'zod';
import { parseVersioned } from './validation.js';

export const DATASET_FORMAT = 'gan-studio/dataset';
export const DATASET_FORMAT_VERSION = 1;

export const channelModes = ['gray', 'rgb'] as const;
export type ChannelMode = (typeof channelModes)[number];
export const fitModes = ['crop', 'pad', 'stretch'] as const;
export type FitMode = (typeof fitModes)[number];
export const builtinDatasetIds = ['shapes', 'digits', 'fashion'] as const;
export type BuiltinDatasetId = (typeof builtinDatasetIds)[number];

/** What the user chooses when importing a folder. */
export const importOptionsSchema = z
  .object({
    size: z.number().int().min(8).max(512).default(64),
    channels: z.enum(channelModes).default('rgb'),
    fit: z.enum(fitModes).default('crop'),
    /** What transparent parts of an image are laid on (a PNG's clear background), as #rrggbb. */
    background: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour written #rrggbb, e.g. #ffffff')
      .default('#ffffff'),
  })
  .strict();
export type ImportOptions = z.output<typeof importOptionsSchema>;
/** What a caller may pass: the defaults fill what is left out. */
export type ImportOptionsInput = z.input<typeof importOptionsSchema>;

export const skippedFileSchema = z.object({
  /** Path relative to the imported folder. */
  path: z.string(),
  reason: z.string(),
});
export type SkippedFile = z.output<typeof skippedFileSchema>;

/** dataset/manifest.json: describes images.u8 (N x H x W x C, row-major) and labels.u8 (N bytes). */
export const datasetManifestSchema = z.object({
  format: z.literal(DATASET_FORMAT),
  version: z.number().int(),
  name: z.string(),
  source: z.union([
    z.object({ kind: z.literal('folder'), path: z.string() }),
    z.object({ kind: z.literal('builtin'), id: z.enum(builtinDatasetIds) }),
  ]),
  count: z.number().int().min(1),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  channels: z.union([z.literal(1), z.literal(3)]),
  fit: z.enum(fitModes),
  /** Class names in label order; empty when the dataset is unlabelled. */
  classes: z.array(z.string()),
  classCounts: z.array(z.number().int()),
  skipped: z.array(skippedFileSchema),
  /** The colour transparent parts were laid on, and how many images had any (folder imports since issue 15). */
  background: z.string().optional(),
  transparentCount: z.number().int().min(0).optional(),
  createdAt: z.string(),
});
export type DatasetManifest = z.output<typeof datasetManifestSchema>;

export interface ImportProgress {
  done: number;
  total: number;
  skipped: number;
  /** The file just handled, relative to the folder. */
  current?: string;
}

/** "3 images had transparent parts, laid on #ffffff." for the import summary; null when none had. */
export function transparencyNote(m: Pick<DatasetManifest, 'transparentCount' | 'background'>): string | null {
  if (!m.transparentCount || !m.background) return null;
  return `${m.transparentCount === 1 ? '1 image' : `${m.transparentCount} images`} had transparent parts, laid on ${m.background === '#ffffff' ? 'white' : m.background} (${m.background}).`;
}

export const isLabelled = (m: Pick<DatasetManifest, 'classes'>): boolean => m.classes.length > 1;

/**
 * Checks a parsed dataset/manifest.json: one of ours, a version this GAN Studio reads, every field
 * well-formed and the class counts adding up.
 */
export function parseManifest(value: unknown): DatasetManifest {
  const where = 'dataset/manifest.json';
  const format = (typeof value === 'object' && value !== null ? value : {}) as { format?: unknown };
  if (format.format !== DATASET_FORMAT) {
    throw new Error(`${where} is not a GAN Studio dataset manifest (format is ${JSON.stringify(format.format)}, expected "${DATASET_FORMAT}").`);
  }
  const manifest = parseVersioned(datasetManifestSchema, value, where, 'dataset', DATASET_FORMAT_VERSION);
  if (manifest.version < 1) throw new Error(`${where} has an invalid version ${manifest.version}.`);
  if (manifest.classCounts.length !== manifest.classes.length) {
    throw new Error(`${where} lists ${manifest.classes.length} classes but ${manifest.classCounts.length} class counts.`);
  }
  const total = manifest.classCounts.reduce((sum, n) => sum + n, 0);
  if (manifest.classes.length > 0 && total !== manifest.count) {
    throw new Error(`${where}: class counts add up to ${total}, but count is ${manifest.count}.`);
  }
  return manifest;
}
