import { readdir, readFile } from 'node:fs/promises';
import type { RunSummary } from '../../shared/project.js';
import { RUN_FORMAT_VERSION, runInfoSchema, type RunInfo } from '../../shared/training.js';
import { parseVersioned } from '../../shared/validation.js';
import { listCheckpoints } from './checkpoints.js';
import { writeJsonAtomic } from './atomicWrite.js';
import { projectLayout, runLayout } from './layout.js';

/** run-001, run-002, ...: short, sortable and easy to type in the CLI. */
export async function nextRunId(projectDir: string): Promise<string> {
  const ids = await runIds(projectDir);
  const last = ids.map((id) => Number(/^run-(\d+)$/.exec(id)?.[1] ?? 0)).reduce((a, b) => Math.max(a, b), 0);
  return `run-${String(last + 1).padStart(3, '0')}`;
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

/** Every run of a project with its complete checkpoints, oldest run first; unreadable runs are left out. */
export async function listRuns(projectDir: string): Promise<RunSummary[]> {
  const layout = projectLayout(projectDir);
  const summaries: RunSummary[] = [];
  for (const id of await runIds(projectDir)) {
    const run = layout.run(id);
    try {
      summaries.push({ run: await readRunInfo(run.dir), checkpoints: await listCheckpoints(run.checkpointsDir) });
    } catch {
      // A run folder without a readable run.json (killed before its first write) is not a run.
    }
  }
  return summaries;
}
