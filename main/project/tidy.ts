import { readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { recoverSwap } from './atomicWrite.js';
import { filmLayout } from './film.js';
import { projectLayout } from './layout.js';
import { removeLeftovers } from './leftovers.js';
import { lockProject, ProjectBusyError } from './lock.js';
import { INTERRUPTED_MESSAGE, readRunInfo, runIds, withLiveStatus, writeRunInfo } from './runs.js';

export interface TidyReport {
  /** What was repaired or removed, one line each, paths relative to the project. */
  actions: string[];
  /** Runs marked interrupted because their training process had gone. */
  interrupted: string[];
}

/**
 * Puts a project back in order after processes were killed in it. Call it holding the project's
 * writer lock (no live writer may be mid-swap): a replacement interrupted between its renames
 * gets its previous folder back (dataset, cache, exports); staging folders and temp files of
 * processes that have gone are deleted; empty run folders go; runs still marked running whose
 * process has gone are marked interrupted (resumable).
 */
export async function tidyProject(projectDir: string): Promise<TidyReport> {
  const layout = projectLayout(projectDir);
  const actions: string[] = [];
  const interrupted: string[] = [];
  const say = (line: string) => actions.push(line);
  const ids = await runIds(projectDir);
  const folders = [layout.root, layout.runsDir, layout.exportsDir, join(layout.cacheDir, 'quality')];
  for (const id of ids) folders.push(layout.run(id).dir, layout.run(id).checkpointsDir, filmLayout(layout.run(id).dir).dir);
  for (const dir of folders) {
    const { removed, swapped } = await removeLeftovers(dir);
    for (const path of removed) say(`removed the leftover ${relative(projectDir, path)}`);
    for (const base of swapped) for (const line of await recoverSwap(join(dir, base))) say(`${relative(projectDir, dir) || '.'}: ${line}`);
  }
  for (const id of ids) {
    const run = layout.run(id);
    const info = await readRunInfo(run.dir).catch(() => null);
    if (!info) {
      if (await isEmptyRun(run.dir)) {
        await rm(run.dir, { recursive: true, force: true });
        say(`removed the empty run folder runs/${id}`);
      }
      continue;
    }
    // Under the lock no other process trains here, so a run still marked running has lost its process.
    const live = withLiveStatus(info, false);
    if (live.status === 'interrupted' && info.status !== 'interrupted') {
      await writeRunInfo(run.dir, { ...info, status: 'interrupted', message: INTERRUPTED_MESSAGE, writer: undefined });
      interrupted.push(id);
    }
  }
  return { actions, interrupted };
}

/**
 * Tidies the project if no other process is writing to it (taking the lock for the moment);
 * with a live writer it does nothing and says so by returning null.
 */
export async function tidyIfFree(projectDir: string): Promise<TidyReport | null> {
  let lock;
  try {
    lock = await lockProject(projectDir, 'tidying up after an interrupted write');
  } catch (error) {
    if (error instanceof ProjectBusyError) return null;
    throw error;
  }
  try {
    return await tidyProject(projectDir);
  } finally {
    await lock.release();
  }
}

/** A run folder killed before its run.json: nothing in it but, at most, an empty checkpoints folder. */
async function isEmptyRun(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => null);
  if (!names) return false;
  if (names.length === 0) return true;
  if (names.length > 1 || names[0] !== 'checkpoints') return false;
  return (await readdir(join(dir, 'checkpoints')).catch(() => ['?'])).length === 0;
}
