import { spawn } from 'node:child_process';

export interface ToolRun {
  code: number | null;
  /** The last lines it printed (stdout and stderr together), for the one-line reason of a failure. */
  tail: string[];
}

/**
 * Runs an external tool (pip, python, node-gyp) to the end, handing each line it prints to
 * `onLine`, and kills it after `timeoutMs`. Never throws for a tool that fails or is missing.
 */
export function runTool(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; onLine?: (line: string) => void }): Promise<ToolRun> {
  return new Promise((resolve) => {
    const tail: string[] = [];
    let partial = '';
    const take = (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        options.onLine?.(line);
      }
    };
    let child;
    try {
      child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ code: null, tail: [(error as Error).message] });
      return;
    }
    const timer = setTimeout(() => {
      tail.push(`timed out after ${Math.round(options.timeoutMs / 1000)} s`);
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) => tail.push(error.message));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (partial.trim()) tail.push(partial);
      resolve({ code, tail });
    });
  });
}

/** The most telling line of a failed run: the last one that reads like an error, else the last one. */
export function failureLine(run: ToolRun): string {
  const error = [...run.tail].reverse().find((l) => /error|not found|no matching|denied|refused|timed out|ENOENT|could not/i.test(l));
  return (error ?? run.tail.at(-1) ?? `exit code ${run.code}`).trim().slice(0, 240);
}
