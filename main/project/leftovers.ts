import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { processState, thisHost } from './processes.js';

/**
 * Names of the in-between files and folders of atomic writes. Each carries the writing process's
 * pid, so leftovers of a killed process can be told from work another process is doing now.
 *   .<name>.staging-<pid>-<hex>/   a folder being built (dataset, checkpoint, export, cache)
 *   <name>.old-<pid>-<hex>/        the folder it replaces, moved aside during the swap
 *   .<name>.<pid>-<hex>.tmp        a file being written (run.json, project.json, the lock)
 * Names without a pid come from earlier versions and count as leftovers.
 */
const hex = () => randomBytes(4).toString('hex');
export const stagingName = (base: string): string => `.${base}.staging-${process.pid}-${hex()}`;
export const oldName = (base: string): string => `${base}.old-${process.pid}-${hex()}`;
export const tempName = (base: string): string => `.${base}.${process.pid}-${hex()}.tmp`;

export interface Leftover {
  kind: 'staging' | 'old' | 'temp';
  /** The name of what was being written. */
  base: string;
  pid?: number;
}

const patterns: [Leftover['kind'], RegExp][] = [
  ['staging', /^\.(.+)\.staging-(?:(\d+)-)?[0-9a-f]+$/],
  ['temp', /^\.(.+)\.(?:(\d+)-)?[0-9a-f]+\.tmp$/],
  ['old', /^(.+)\.old-(?:(\d+)-)?[0-9a-f]+$/],
];

export function parseLeftover(name: string): Leftover | null {
  for (const [kind, pattern] of patterns) {
    const match = pattern.exec(name);
    if (match) return { kind, base: match[1], pid: match[2] === undefined ? undefined : Number(match[2]) };
  }
  return null;
}

/** True when the process that made it has gone (or is unknown, for names from earlier versions). */
export function leftoverOwnerGone(leftover: Leftover): boolean {
  if (leftover.pid === undefined) return true;
  if (leftover.pid === process.pid) return false;
  return processState({ pid: leftover.pid, host: thisHost() }) === 'gone';
}

/**
 * Deletes the staging folders and temp files in `dir` whose process has gone, and returns the
 * names of folders with moved-aside copies (for recoverSwap). Never touches another live
 * process's work in progress.
 */
export async function removeLeftovers(dir: string): Promise<{ removed: string[]; swapped: string[] }> {
  const removed: string[] = [];
  const swapped = new Set<string>();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const leftover = parseLeftover(name);
    if (!leftover || !leftoverOwnerGone(leftover)) continue;
    if (leftover.kind === 'old') {
      swapped.add(leftover.base);
      continue;
    }
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(join(dir, name));
  }
  return { removed, swapped: [...swapped] };
}
