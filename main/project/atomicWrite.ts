import { open, readdir, rename, rm, mkdir, stat } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { faultPoint } from './faultPoints.js';
import { leftoverOwnerGone, oldName, parseLeftover, stagingName, tempName } from './leftovers.js';

/**
 * Writes a file so that a kill at any instant leaves either the old file or the new one:
 * temp file in the same folder, fsync, rename over, fsync the folder.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), tempName(basename(path)));
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
 * Publishes a folder built elsewhere (a sibling staging folder) under its final name. An existing
 * folder of that name is moved aside first (`<name>.old-<pid>-<hex>`) and removed after the swap.
 * A kill between the two renames leaves no folder under the final name; recoverSwap (run here
 * before each publish, and when a project is opened) puts the old folder back. The fault points
 * name each step for the kill tests.
 */
export async function publishDirAtomic(builtDir: string, finalDir: string): Promise<void> {
  await recoverSwap(finalDir);
  const old = join(dirname(finalDir), oldName(basename(finalDir)));
  faultPoint('publish:staged');
  let movedOld = false;
  try {
    await rename(finalDir, old);
    movedOld = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (movedOld) faultPoint('publish:old-moved');
  try {
    await rename(builtDir, finalDir);
  } catch (error) {
    if (movedOld) await rename(old, finalDir);
    throw error;
  }
  await syncDir(dirname(finalDir));
  if (movedOld) {
    faultPoint('publish:swapped');
    await rm(old, { recursive: true, force: true });
  }
}

/**
 * Finishes or undoes a swap of `finalDir` that a killed process left half done: with no folder
 * under the final name, the newest moved-aside one goes back; with one, moved-aside copies are
 * deleted. Only folders whose process has gone are touched. Returns what it did, for the report.
 */
export async function recoverSwap(finalDir: string): Promise<string[]> {
  const parent = dirname(finalDir);
  const base = basename(finalDir);
  const names = await readdir(parent).catch(() => [] as string[]);
  const olds = names.filter((n) => {
    const leftover = parseLeftover(n);
    return leftover?.kind === 'old' && leftover.base === base && leftoverOwnerGone(leftover);
  });
  if (olds.length === 0) return [];
  const done: string[] = [];
  const present = await stat(finalDir).then(
    () => true,
    () => false,
  );
  let restore: string | undefined;
  if (!present) {
    const dated = await Promise.all(olds.map(async (n) => ({ n, time: (await stat(join(parent, n))).mtimeMs })));
    restore = dated.sort((a, b) => b.time - a.time)[0].n;
    await rename(join(parent, restore), finalDir);
    await syncDir(parent);
    done.push(`put ${base} back from ${restore} (a replacement was interrupted)`);
  }
  for (const n of olds.filter((n) => n !== restore)) {
    await rm(join(parent, n), { recursive: true, force: true });
    done.push(`removed ${n}`);
  }
  return done;
}

/**
 * The folder to read `finalDir` from: itself, or while a swap is half done (another process
 * between its two renames, or one killed there), the folder it moved aside. Never writes.
 */
export async function readableDir(finalDir: string): Promise<string> {
  if (await stat(finalDir).then(() => true, () => false)) return finalDir;
  const parent = dirname(finalDir);
  const base = basename(finalDir);
  const olds = (await readdir(parent).catch(() => [] as string[])).filter((n) => {
    const leftover = parseLeftover(n);
    return leftover?.kind === 'old' && leftover.base === base;
  });
  if (olds.length === 0) return finalDir;
  const dated = await Promise.all(olds.map(async (n) => ({ n, time: (await stat(join(parent, n)).catch(() => null))?.mtimeMs ?? 0 })));
  return join(parent, dated.sort((a, b) => b.time - a.time)[0].n);
}

/** A fresh staging folder beside `finalDir` (same filesystem, so the final rename is atomic), named with this process's pid. */
export async function makeStagingDir(finalDir: string): Promise<string> {
  const staging = join(dirname(finalDir), stagingName(basename(finalDir)));
  await mkdir(staging, { recursive: true });
  return staging;
}

/** Flushes every file under `dir` and the folders themselves to the disk, before a publishing rename. */
export async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await syncTree(path);
    else if (entry.isFile()) {
      const handle = await open(path, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  }
  await syncDir(dir);
}

export async function syncDir(dir: string): Promise<void> {
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
