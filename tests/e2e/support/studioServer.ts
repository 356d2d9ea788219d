import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

/**
 * Starts `gan-studio serve` (the built command line) on a free port with its own config and
 * projects folders, and resolves with the address it prints. `stop` sends Ctrl-C, as a user
 * would, so a run in progress ends with a checkpoint.
 */
export async function startStudioServer(root: string): Promise<{ url: string; output: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['dist/main/cli.js', 'serve', '--config-dir', join(root, 'config'), '--projects-dir', join(root, 'projects')], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server printed no address in 60 s:\n${output}`)), 60_000);
    const look = () => {
      const found = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout.on('data', look);
    child.on('exit', (exitCode) => reject(new Error(`The server exited (${exitCode}) before printing its address:\n${output}`)));
  });
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGINT');
      }),
  };
}
