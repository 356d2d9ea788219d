import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who wrote something: enough to tell later whether that process still runs. */
export interface ProcessRef {
  pid: number;
  host: string;
  /** Linux: the process's start time in clock ticks since boot, so a reused pid is not taken for it. */
  started?: string;
}

export const thisHost = (): string => hostname();

/** This process, as a lock file or run.json records it. */
export function thisProcess(): ProcessRef {
  const started = procStat(process.pid)?.started;
  return { pid: process.pid, host: thisHost(), ...(started ? { started } : {}) };
}

/**
 * Whether the process still runs: 'gone' only when that is certain (same host, and the pid is
 * free, a zombie, or now belongs to a process started at another time); 'unknown' for another host.
 */
export function processState(ref: ProcessRef): 'alive' | 'gone' | 'unknown' {
  if (ref.host !== thisHost()) return 'unknown';
  if (!Number.isInteger(ref.pid) || ref.pid <= 0) return 'gone';
  try {
    process.kill(ref.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'gone';
  }
  const stat = procStat(ref.pid);
  if (!stat) return 'alive';
  // A killed process whose parent died too stays a zombie where nothing reaps orphans (containers).
  if (stat.state === 'Z' || stat.state === 'X') return 'gone';
  if (ref.started && stat.started !== ref.started) return 'gone';
  return 'alive';
}

/** State and start time from /proc/<pid>/stat (Linux); undefined elsewhere. */
function procStat(pid: number): { state: string; started: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields are counted after its end.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], started: fields[19] };
  } catch {
    return undefined;
  }
}
