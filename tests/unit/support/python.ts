import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where a Python is looked for: $GAN_STUDIO_PYTHON, then python3 on PATH, then Debian's own (python3-torch installs there). */
export const pythonCandidates = (): string[] => [...(process.env.GAN_STUDIO_PYTHON ? [process.env.GAN_STUDIO_PYTHON] : []), 'python3', '/usr/bin/python3'];

const found = new Map<string, Promise<string | null>>();

/** The first Python that imports every module named (e.g. "numpy", "torch"), or null. */
export function findPython(...modules: string[]): Promise<string | null> {
  const key = modules.join(',');
  if (!found.has(key)) {
    found.set(
      key,
      (async () => {
        for (const python of pythonCandidates()) {
          try {
            await run(python, ['-c', modules.map((m) => `import ${m}`).join('; ') || 'pass'], { timeout: 60_000 });
            return python;
          } catch {
            // not this one
          }
        }
        return null;
      })(),
    );
  }
  return found.get(key)!;
}

/** Runs a Python script file or `-c` code; resolves stdout, rejects with stderr in the message. */
export async function runPython(python: string, args: string[], options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(python, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${python} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}
