import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const cli = join(import.meta.dirname, '..', '..', '..', 'main', 'cli.ts');

export interface CliProcess {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr together. */
  readonly output: string;
  /** Resolves with the first stdout line `match` accepts (rejects if the process ends first). */
  line(match: (line: string) => boolean, ms?: number): Promise<string>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

/**
 * `gan-studio <args>` as a running process. `detached` puts it in a process group of its own, so a
 * test can send a signal to the whole group as a terminal's Ctrl-C does: process.kill(-pid, 'SIGINT').
 */
export function startCli(args: string[], options: { env?: Record<string, string>; detached?: boolean } = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...process.env, GAN_STUDIO_BACKEND: 'wasm', GAN_STUDIO_WASM_THREADS: '1', ...options.env },
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let pending = '';
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk;
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('exit', (code, signal) => {
      ended = true;
      for (const wake of waiters) wake();
      // Let the last output arrive.
      setImmediate(() => resolve({ code, signal, output }));
    }),
  );
  return {
    child,
    get output() {
      return output;
    },
    exited,
    line(match, ms = 120_000) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const timer = setTimeout(() => finish(new Error(`no matching line within ${ms} ms; output:\n${output}`)), ms);
        const check = () => {
          for (; seen < lines.length; seen++) if (match(lines[seen])) return finish(null, lines[seen]);
          if (ended) finish(new Error(`the process ended without a matching line; output:\n${output}`));
        };
        const finish = (error: Error | null, line?: string) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve(line!);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Parses a `--json` event line, or null for any other line. */
export function jsonEvent(line: string): { type: string; [key: string]: unknown } | null {
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null && 'type' in value ? (value as { type: string }) : null;
  } catch {
    return null;
  }
}
