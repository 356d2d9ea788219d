import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { tempName } from './leftovers.js';
import { processState, thisProcess, type ProcessRef } from './processes.js';

/** What a project's lock file says about the process writing to the project. */
export interface LockHolder extends ProcessRef {
  /** What it is doing, in the user's words: "training", "importing a dataset". */
  purpose: string;
  since: string;
  /** The process that started it (the command line or the studio). */
  parentPid?: number;
}

export interface ProjectLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Removes the lock file (only if it is still this process's). Also done at process exit. */
  release(): Promise<void>;
}

/** A second writer was refused; the message names the holder. */
export class ProjectBusyError extends Error {
  constructor(
    readonly projectDir: string,
    readonly holder: LockHolder,
    readonly lockFile: string,
    remote: boolean,
  ) {
    const parent = holder.parentPid ? `, started by process ${holder.parentPid}` : '';
    super(
      `${projectDir} is in use: ${holder.purpose} in process ${holder.pid} on ${holder.host} since ${holder.since}${parent}. ` +
        'One process writes to a project at a time; sample, evaluate and export still work meanwhile. Wait for it to finish, or stop it.' +
        (remote ? ` If nothing runs on ${holder.host} any more, delete ${lockFile}.` : ''),
    );
    this.name = 'ProjectBusyError';
  }
}

export const lockFilePath = (projectDir: string): string => join(projectDir, '.lock');

/**
 * Takes the project's writer lock: <project>/.lock naming this process (pid, host, start time,
 * purpose). The file appears complete in one step (written beside it, then hard-linked into
 * place), so no one ever reads half a lock. A lock whose process has gone (killed, crashed,
 * machine restarted) is stale and is taken over; a live holder gets a ProjectBusyError.
 */
export async function lockProject(projectDir: string, purpose: string): Promise<ProjectLock> {
  const path = lockFilePath(projectDir);
  const holder: LockHolder = { ...thisProcess(), purpose, since: new Date().toISOString(), parentPid: process.ppid };
  const text = JSON.stringify(holder) + '\n';
  await mkdir(projectDir, { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createExclusive(path, text)) return held(path, holder, text);
    const current = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (current === null) continue;
    const other = parseHolder(current);
    const state = other ? processState(other) : 'gone';
    if (state !== 'gone') throw new ProjectBusyError(projectDir, other!, path, state === 'unknown');
    await removeStale(path, current);
  }
  throw new Error(`Could not take the lock ${path}: other processes keep replacing it.`);
}

/** The holder named in a project's lock file, or null when there is none or its process has gone. */
export async function liveLockHolder(projectDir: string): Promise<LockHolder | null> {
  const text = await readFile(lockFilePath(projectDir), 'utf8').catch(() => null);
  const holder = text === null ? null : parseHolder(text);
  return holder && processState(holder) !== 'gone' ? holder : null;
}

async function createExclusive(path: string, text: string): Promise<boolean> {
  const temp = join(dirname(path), tempName(basename(path)));
  await writeFile(temp, text);
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // Filesystems without hard links (FAT, some network shares): exclusive create, then write.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') return createByOpen(path, text);
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

async function createByOpen(path: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Moves a stale lock aside and deletes it, but puts it back if what was moved is not the stale
 * lock that was read: another process may have taken over the stale lock first.
 */
async function removeStale(path: string, staleText: string): Promise<void> {
  const aside = join(dirname(path), tempName(`${basename(path)}-stale`));
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleText);
  if (moved !== staleText) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}

function held(path: string, holder: LockHolder, text: string): ProjectLock {
  let released = false;
  const releaseSync = () => {
    if (released) return;
    released = true;
    process.off('exit', releaseSync);
    try {
      if (readFileSync(path, 'utf8') === text) unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  };
  // process.exit() (a second Ctrl-C, a fatal error) must not leave a lock behind.
  process.on('exit', releaseSync);
  return { path, holder, release: async () => releaseSync() };
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return null;
    return { purpose: 'writing', since: 'an unknown time', ...value } as LockHolder;
  } catch {
    return null;
  }
}
