import { execFile } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Path of a sibling bench module, .ts under tsx and .js once compiled, like the file calling. */
export function siblingEntry(callerUrl: string, name: string): string {
  const caller = fileURLToPath(callerUrl);
  const ext = extname(caller);
  return caller.slice(0, caller.lastIndexOf('/') + 1) + name + ext;
}

/** Runs a command and resolves with its stdout; rejects with the tail of stderr on failure. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 20 * 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message.split('\n')[0]}\n${stderr.trim().split('\n').slice(-5).join('\n')}`));
      else resolve(stdout);
    });
  });
}

/** The last line of output that parses as JSON (libraries may print banners before it). */
export function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      return JSON.parse(line) as T;
    } catch {
      // not the result line
    }
  }
  throw new Error(`no JSON result in output:\n${stdout.slice(-500)}`);
}
