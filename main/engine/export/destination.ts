import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { EXPORT_FORMAT, EXPORT_METADATA_FILE } from '../../../shared/export.js';
import { PYTORCH_JOB_FILE, PYTORCH_JOB_FORMAT, PYTORCH_JOB_OUTPUT } from '../../../shared/handoff.js';
import { makeStagingDir, publishDirAtomic } from '../../project/atomicWrite.js';

/**
 * Where an export may go, as a user expects:
 * - a folder that does not exist yet (its parents are created), or an empty one: written;
 * - a folder holding an earlier GAN Studio export: replaced only with `force`;
 * - anything else (a file, a folder with other files): refused, `force` or not, because
 *   replacing it would delete files GAN Studio never wrote.
 * Throws an Error that says which case it is and what to do.
 */
export async function checkDestination(outDir: string, force: boolean): Promise<void> {
  const info = await stat(outDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new Error(`Cannot use ${outDir}: ${describeFsError(error)}`);
  });
  if (!info) return;
  if (!info.isDirectory()) throw new Error(`${outDir} is a file; exports are written into a folder. Choose a folder name that does not exist yet.`);
  const entries = await readdir(outDir);
  if (entries.length === 0) return;
  if (await holdsExport(outDir)) {
    if (force) return;
    throw new Error(`${outDir} already holds an export. Choose another folder, or replace it (--force).`);
  }
  throw new Error(`${outDir} is not empty and holds files GAN Studio did not write; choose a new or empty folder (nothing is replaced there, even with --force).`);
}

async function holdsExport(dir: string): Promise<boolean> {
  const formatOf = async (file: string) => ((JSON.parse(await readFile(resolve(dir, file), 'utf8')) as { format?: unknown }).format);
  if (await formatOf(EXPORT_METADATA_FILE).then((f) => f === EXPORT_FORMAT, () => false)) return true;
  // A PyTorch job is replaceable only until it has trained: its output/ is the user's work.
  const job = await formatOf(PYTORCH_JOB_FILE).then((f) => f === PYTORCH_JOB_FORMAT, () => false);
  return job && !(await readdir(dir)).includes(PYTORCH_JOB_OUTPUT);
}

/**
 * Builds an export in a hidden staging folder beside `outDir` and renames it into place only
 * when complete: a failure, a cancel or a kill leaves no folder under the final name that looks
 * like a finished export (and an earlier export there stays as it was).
 */
export async function writeExportFolder(outDir: string, force: boolean, signal: AbortSignal | undefined, build: (stagingDir: string) => Promise<void>): Promise<void> {
  await checkDestination(outDir, force);
  const parent = dirname(outDir);
  let staging: string;
  try {
    await mkdir(parent, { recursive: true });
    staging = await makeStagingDir(outDir);
  } catch (error) {
    throw new Error(`Cannot write an export into ${parent}: ${describeFsError(error as NodeJS.ErrnoException)}`);
  }
  try {
    await build(staging);
    signal?.throwIfAborted();
    // Checked again: something may have appeared there while the export was being drawn.
    await checkDestination(outDir, force);
    await publishDirAtomic(staging, outDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => {});
    // Filesystem errors carry a string code; an AbortError (numeric code) passes through as it is.
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && !(error as Error).message.includes(outDir)) throw new Error(`Writing the export to ${outDir} failed: ${describeFsError(error as NodeJS.ErrnoException)}`);
    throw error;
  }
}

/** A filesystem error in words a user can act on. */
export function describeFsError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (the folder is read-only or belongs to someone else)';
    case 'EROFS':
      return 'the disk is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'ENOTDIR':
      return 'part of the path is a file, not a folder';
    default:
      return error.message;
  }
}
