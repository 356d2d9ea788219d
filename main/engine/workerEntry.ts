import { fileURLToPath } from 'node:url';

/**
 * The file to start for a worker or child process entry written as
 * `new URL('./entry.js', import.meta.url)`: that compiled .js file, or its .ts source when this
 * code itself runs from source under tsx (development, tests).
 */
export function workerEntry(url: URL): string {
  const path = fileURLToPath(url);
  return runningFromSource ? path.replace(/\.js$/, '.ts') : path;
}

const runningFromSource = import.meta.url.endsWith('.ts');
