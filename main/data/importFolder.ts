import { resolve } from 'node:path';
import {
  DATASET_FORMAT,
  DATASET_FORMAT_VERSION,
  importOptionsSchema,
  type DatasetManifest,
  type ImportOptionsInput,
  type ImportProgress,
  type SkippedFile,
} from '../../shared/dataset.js';
import { parseOrThrow } from '../../shared/validation.js';
import { ByteBudget } from './byteBudget.js';
import { throwIfCancelled } from './cancel.js';
import { createDatasetWriter } from './datasetCache.js';
import { decodeImage, type Decoded } from './decodeImage.js';
import { mapInOrder } from './mapInOrder.js';
import { settleWithin } from './timeLimit.js';
import { compareNames, folderName, scanFolder, type FoundFile } from './scanFolder.js';

export interface ImportHooks {
  signal?: AbortSignal;
  /** Called once after the scan and then once per file; `total` counts every file found, skipped ones included. */
  onProgress?: (progress: ImportProgress) => void;
  /** Bytes of files and decoded pixels held at once (default MEMORY_IN_FLIGHT). */
  memoryLimit?: number;
}

/**
 * Decodes in flight at once. libvips decodes on its own threads, so a dozen outstanding files keep two or more
 * cores busy while the event loop writes results; more only holds more decoded images in memory.
 */
export const DECODES_IN_FLIGHT = 12;
/**
 * Memory the decodes in flight may hold together: file bytes plus decoded pixels. Twelve small photos fit at
 * once; large files wait their turn, and one larger than this runs alone.
 */
export const MEMORY_IN_FLIGHT = 512 * 1024 * 1024;
/**
 * A file not read and decoded within this long is skipped with the reason: a stalled network drive or a
 * device must not hang the import (the stuck read is left to finish on its own).
 */
export const FILE_TIME_LIMIT_MS = 60_000;

/**
 * Imports every image under `folder` into the project's dataset (see scanFolder for how classes are named).
 * Files that cannot be used are skipped and listed in the manifest with the reason. The new dataset replaces
 * the old one only once complete: a cancel (rejecting with an error named 'AbortError') or a failure leaves
 * the project's dataset as it was.
 */
export async function importFolder(
  folder: string,
  projectDir: string,
  options: ImportOptionsInput,
  hooks: ImportHooks = {},
): Promise<DatasetManifest> {
  const { signal, onProgress } = hooks;
  const opts = parseOrThrow(importOptionsSchema, options, 'import options');
  const root = resolve(folder);
  throwIfCancelled(signal, 'Import');
  const scan = await scanFolder(root, [projectDir]);
  throwIfCancelled(signal, 'Import');

  const total = scan.files.length + scan.skipped.length;
  if (total === 0) throw new Error(`Nothing to import: ${root} is empty (hidden files are ignored).`);
  const skipped: SkippedFile[] = [...scan.skipped];
  if (scan.files.length === 0) throw new Error(noImageMessage(root, total, skipped));

  const channels = opts.channels === 'gray' ? 1 : 3;
  const writer = await createDatasetWriter(projectDir, opts.size * opts.size * channels);
  const labels = new Uint8Array(scan.files.length);
  let kept = 0;
  let transparentCount = 0;
  let done = skipped.length;
  onProgress?.({ done, total, skipped: skipped.length });

  // Once cancelled, the files already queued return at once instead of decoding, and files in flight
  // are not waited for: a cancel always ends the import.
  const budget = new ByteBudget(hooks.memoryLimit ?? MEMORY_IN_FLIGHT);
  const timedOut = (): Decoded => ({ ok: false, reason: `not read and decoded within ${FILE_TIME_LIMIT_MS / 1000} s (a stalled drive or device?)` });
  const decode = async (file: FoundFile): Promise<{ file: FoundFile; decoded?: Decoded }> =>
    signal?.aborted ? { file } : { file, decoded: await settleWithin(decodeImage(file.path, opts, { budget, signal }), FILE_TIME_LIMIT_MS, signal, timedOut) };

  try {
    for await (const { file, decoded } of mapInOrder(scan.files, DECODES_IN_FLIGHT, decode)) {
      throwIfCancelled(signal, 'Import');
      if (decoded?.ok) {
        await writer.append(decoded.pixels);
        labels[kept++] = file.label;
        if (decoded.transparent) transparentCount++;
      } else if (decoded) {
        skipped.push({ path: file.relative, reason: decoded.reason });
      }
      onProgress?.({ done: ++done, total, skipped: skipped.length, current: file.relative });
    }
    if (kept === 0) throw new Error(noImageMessage(root, total, skipped));

    const { classes, classCounts } = dropEmptyClasses(scan.classes, labels.subarray(0, kept));
    skipped.sort((a, b) => compareNames(a.path, b.path));
    const manifest: DatasetManifest = {
      format: DATASET_FORMAT,
      version: DATASET_FORMAT_VERSION,
      name: folderName(root),
      source: { kind: 'folder', path: root },
      count: kept,
      width: opts.size,
      height: opts.size,
      channels,
      fit: opts.fit,
      classes,
      classCounts,
      skipped,
      background: opts.background,
      transparentCount,
      createdAt: new Date().toISOString(),
    };
    throwIfCancelled(signal, 'Import');
    return await writer.publish(manifest, labels.subarray(0, kept));
  } catch (error) {
    await writer.discard();
    throw error;
  }
}

/**
 * A class folder whose every file was skipped would be a class with no examples, which a conditional GAN
 * cannot learn; it is dropped and its labels renumbered (in place). Its files stay listed in `skipped`.
 */
function dropEmptyClasses(names: string[], labels: Uint8Array): { classes: string[]; classCounts: number[] } {
  if (names.length === 0) return { classes: [], classCounts: [] };
  const counts = new Array<number>(names.length).fill(0);
  for (const label of labels) counts[label]++;
  const newIndex = new Uint8Array(names.length);
  const classes: string[] = [];
  const classCounts: number[] = [];
  names.forEach((name, index) => {
    if (counts[index] === 0) return;
    newIndex[index] = classes.length;
    classes.push(name);
    classCounts.push(counts[index]);
  });
  for (let i = 0; i < labels.length; i++) labels[i] = newIndex[labels[i]];
  return { classes, classCounts };
}

function noImageMessage(root: string, total: number, skipped: SkippedFile[]): string {
  const examples = [...skipped]
    .sort((a, b) => compareNames(a.path, b.path))
    .slice(0, 3)
    .map((s) => `${s.path}: ${s.reason}`)
    .join('; ');
  const files = total === 1 ? 'the 1 file' : `all ${total} files`;
  return `No readable image in ${root}: ${files} had to be skipped (${examples}${skipped.length > 3 ? '; ...' : ''}).`;
}
