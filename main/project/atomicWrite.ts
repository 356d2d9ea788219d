import { open, readdir, rename, rm, mkdir } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes a file so that a kill at any instant leaves either the old file or the new one:
 * temp file in the same folder, fsync, rename over, fsync the folder.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, path);
  await syncDir(dirname(path));
}

export const writeJsonAtomic = (path: string, value: unknown): Promise<void> =>
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');

/**
 * Publishes a folder built elsewhere (a sibling temp folder) under its final name in one rename.
 * An existing folder of that name is moved aside first and removed only after the swap.
 */
export async function publishDirAtomic(builtDir: string, finalDir: string): Promise<void> {
  const old = `${finalDir}.old-${randomBytes(4).toString('hex')}`;
  let movedOld = false;
  try {
    await rename(finalDir, old);
    movedOld = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await rename(builtDir, finalDir);
  } catch (error) {
    if (movedOld) await rename(old, finalDir);
    throw error;
  }
  await syncDir(dirname(finalDir));
  if (movedOld) await rm(old, { recursive: true, force: true });
}

/** A fresh temp folder beside `finalDir` (same filesystem, so the final rename is atomic). */
export async function makeStagingDir(finalDir: string): Promise<string> {
  const staging = join(dirname(finalDir), `.${basename(finalDir)}.staging-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  return staging;
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic there.
  }
}

/**
 * Removes staging folders left in `dir` by a process killed mid-write. Call it only where no
 * other writer can be at work (e.g. a run's checkpoints folder when that run starts).
 */
export async function removeStaleStaging(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => /^\..*\.staging-[0-9a-f]+$/.test(n)).map((n) => rm(join(dir, n), { recursive: true, force: true })));
}
