import * as tf from '@tensorflow/tfjs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import {
  EXPORT_METADATA_FILE,
  exportFormatIds,
  exportFormats,
  exportOptionsSchema,
  type ExportFormatId,
  type ExportOptions,
  type ExportProgress,
  type ExportResult,
} from '../../../shared/export.js';
import { describeIssues } from '../../../shared/validation.js';
import { initBackend } from '../backend/initBackend.js';
import { openGenerator } from '../checkpoint/openGenerator.js';
import type { FormatWriter } from './context.js';
import { checkDestination, writeExportFolder } from './destination.js';
import { writeInterpolationGif } from './gif.js';
import { writeImages } from './images.js';
import { baseMetadata } from './metadata.js';
import { writeOnnxModel } from './onnx.js';
import { writeTfjsModel } from './tfjs.js';
import { writeWebPage } from './web.js';

export { exportFormats };

const writers: Record<ExportFormatId, FormatWriter> = {
  tfjs: writeTfjsModel,
  onnx: writeOnnxModel,
  images: writeImages,
  gif: writeInterpolationGif,
  web: writeWebPage,
};

export interface ExportHooks {
  onProgress?: (progress: ExportProgress) => void;
  /** Aborting stops between images or frames; nothing is left under `outDir` (an 'AbortError' is thrown). */
  signal?: AbortSignal;
}

/**
 * Exports the generator of the checkpoint in `checkpointDir` into the folder `outDir` (created;
 * see checkDestination for an existing one), with metadata.json beside the files. The folder
 * appears only when complete. Runs on the active tfjs backend (the best one if none is chosen).
 */
export async function exportCheckpoint(
  checkpointDir: string,
  format: ExportFormatId,
  outDir: string,
  options: ExportOptions & ExportHooks = {},
): Promise<ExportResult> {
  const { onProgress, signal, ...choices } = options;
  if (!exportFormatIds.includes(format)) throw new Error(`Unknown export format "${String(format)}"; choose one of ${exportFormatIds.join(', ')}`);
  const parsed = exportOptionsSchema.safeParse(choices);
  if (!parsed.success) throw new Error(`Invalid export options: ${describeIssues(parsed.error)}`);
  const { count, classes, seed = randomSeed(), force = false } = parsed.data;
  const target = resolve(outDir);
  // Checked before the model loads, so a refused folder is refused at once.
  await checkDestination(target, force);
  signal?.throwIfAborted();
  if (!tf.engine().backendName) await initBackend();

  const { file, models } = await openGenerator(checkpointDir);
  try {
    const info = exportFormats.find((f) => f.id === format)!;
    const classIds = models.conditional ? pickClassIds(classes, file.classes) : refuseClasses(classes);
    let output: Awaited<ReturnType<FormatWriter>> | undefined;
    await writeExportFolder(target, force, signal, async (dir) => {
      output = await writers[format]({
        dir,
        file,
        models,
        base: baseMetadata(file, models.noiseSize, format),
        count: count ?? info.defaultCount,
        classIds,
        seed,
        signal,
        progress: (stage, done, total) => onProgress?.({ stage, done, total }),
      });
      await writeFile(join(dir, EXPORT_METADATA_FILE), JSON.stringify(output.metadata, null, 2) + '\n');
    });
    const files = await listFiles(target);
    const bytes = (await Promise.all(files.map(async (f) => (await stat(join(target, f))).size))).reduce((a, b) => a + b, 0);
    return { format, outDir: target, files, bytes, metadata: output!.metadata, summary: `Wrote ${output!.summary} to ${target}` };
  } finally {
    models.generator.dispose();
  }
}

/** Class ids from names or ids; all classes when none are named. */
export function pickClassIds(wanted: (string | number)[] | undefined, classes: string[]): number[] {
  if (!wanted?.length) return classes.map((_, id) => id);
  const ids = wanted.map((w) => {
    const byName = typeof w === 'string' ? classes.indexOf(w) : -1;
    const id = byName >= 0 ? byName : Number(w);
    if (!Number.isInteger(id) || id < 0 || id >= classes.length) {
      throw new Error(`No class "${w}"; the classes are ${classes.map((c, i) => `${i}:${c}`).join(', ')}`);
    }
    return id;
  });
  return [...new Set(ids)];
}

function refuseClasses(wanted: (string | number)[] | undefined): number[] {
  if (wanted?.length) throw new Error('Classes can be chosen only for a conditional generator (cgan or cdcgan)');
  return [];
}

const randomSeed = (): number => Math.floor(Math.random() * 2 ** 31 - 1);

async function listFiles(root: string, dir = root): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(root, join(dir, e.name)) : Promise.resolve([relative(root, join(dir, e.name)).split('\\').join('/')]))),
  );
  return nested.flat().sort();
}
