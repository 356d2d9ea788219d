import { mkdir, readdir, readFile } from 'node:fs/promises';
import type { RunSummary } from '../../shared/project.js';
import { RUN_FORMAT_VERSION, runInfoSchema, type RunInfo } from '../../shared/training.js';
import { parseVersioned } from '../../shared/validation.js';
import { listCheckpoints } from './checkpoints.js';
import { writeJsonAtomic } from './atomicWrite.js';
import { projectLayout, runLayout } from './layout.js';
import { liveLockHolder } from './lock.js';
import { processState } from './processes.js';

export const INTERRUPTED_MESSAGE =
  'The training process ended without stopping (killed, crashed or out of disk space). The last complete checkpoint is kept: resume from it.';

/**
 * A new run folder, run-001, run-002, ... (short, sortable and easy to type in the CLI), created
 * with an exclusive mkdir so two processes can never be handed the same run.
 */
export async function claimRunId(projectDir: string): Promise<string> {
  const layout = projectLayout(projectDir);
  await mkdir(layout.runsDir, { recursive: true });
  const ids = await runIds(projectDir);
  let next = ids.map((id) => Number(/^run-(\d+)$/.exec(id)?.[1] ?? 0)).reduce((a, b) => Math.max(a, b), 0) + 1;
  for (;;) {
    const id = `run-${String(next).padStart(3, '0')}`;
    try {
      await mkdir(layout.run(id).dir);
      return id;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      next++;
    }
  }
}

export async function runIds(projectDir: string): Promise<string[]> {
  try {
    return (await readdir(projectLayout(projectDir).runsDir)).filter((n) => !n.startsWith('.')).sort();
  } catch {
    return [];
  }
}

export async function readRunInfo(runDir: string): Promise<RunInfo> {
  const path = runLayout(runDir).runFile;
  return parseVersioned(runInfoSchema, JSON.parse(await readFile(path, 'utf8')), path, 'run', RUN_FORMAT_VERSION);
}

export const writeRunInfo = (runDir: string, info: RunInfo): Promise<void> => writeJsonAtomic(runLayout(runDir).runFile, info);

/**
 * A run that says it is running or paused but whose training process has gone (killed, crashed,
 * the machine restarted) is shown as interrupted. Runs without a recorded process (earlier
 * versions) count as live while some process holds the project's lock.
 */
export function withLiveStatus(info: RunInfo, projectLocked: boolean): RunInfo {
  if (info.status !== 'running' && info.status !== 'paused') return info;
  const live = info.writer ? processState(info.writer) !== 'gone' : projectLocked;
  return live ? info : { ...info, status: 'interrupted', message: INTERRUPTED_MESSAGE, writer: undefined };
}

/** Every run of a project with its complete checkpoints, oldest run first; unreadable runs are left out. */
export async function listRuns(projectDir: string): Promise<RunSummary[]> {
  const layout = projectLayout(projectDir);
  const locked = (await liveLockHolder(projectDir)) !== null;
  const summaries: RunSummary[] = [];
  for (const id of await runIds(projectDir)) {
    const run = layout.run(id);
    try {
      summaries.push({ run: withLiveStatus(await readRunInfo(run.dir), locked), checkpoints: await listCheckpoints(run.checkpointsDir) });
    } catch {
      // A run folder without a readable run.json (killed before its first write) is not a run.
    }
  }
  return summaries;
}
