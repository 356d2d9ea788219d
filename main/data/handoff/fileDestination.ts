import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a one-file export (a dataset .zip or .npz) beside its final name and renames it into
 * place when complete, so a failure, a cancel or a kill never leaves a half-written archive
 * under that name. An existing file is replaced only with `force`; a folder never is.
 */
export async function writeFileExport(outFile: string, force: boolean, build: (tempPath: string) => Promise<void>): Promise<void> {
  const existing = await stat(outFile).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (existing?.isDirectory()) throw new Error(`${outFile} is a folder; this format writes one file: give --out a file name (data.zip, data.npz).`);
  if (existing && !force) throw new Error(`${outFile} already exists. Choose another name, or replace it (--force).`);
  await mkdir(dirname(outFile), { recursive: true });
  const temp = join(dirname(outFile), `.${basename(outFile)}.partial-${randomBytes(4).toString('hex')}`);
  try {
    await build(temp);
    await rename(temp, outFile);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
