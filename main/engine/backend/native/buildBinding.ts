import { cpSync, existsSync, mkdirSync, copyFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { NativeSetupProgress } from '../../../../shared/backends.js';
import { bindingPath, NAPI_VERSION, type NativePackage } from './nativePackage.js';
import { failureLine, runTool } from './runTool.js';

/** node-gyp: the one npm runs scripts with, the project's own, else the one bundled with npm. */
export function findNodeGyp(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env.npm_config_node_gyp];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not a dependency of this install
  }
  candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((c): c is string => Boolean(c && existsSync(c))) ?? null;
}

/** The Node headers already on the machine, so that node-gyp downloads nothing. */
function nodeDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.npm_config_nodedir) return env.npm_config_nodedir;
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

/**
 * Compiles tfjs-node's binding from the package's own sources against the TensorFlow library in
 * `entryDir/deps/lib` and the headers in `entryDir/deps/include`, and puts it at the place the
 * package loads it from (lib/napi-v8 inside the entry).
 */
export async function buildBinding(pkg: NativePackage, entryDir: string, onProgress: (p: NativeSetupProgress) => void, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const gyp = findNodeGyp(env);
  if (!gyp) throw new Error('node-gyp was not found (it comes with npm)');
  const lib = join(entryDir, 'deps', 'lib');
  // The linker is asked for -ltensorflow; the library's own name (its SONAME) is libtensorflow_cc.so.2.
  for (const [link, target] of [
    ['libtensorflow.so', 'libtensorflow_cc.so.2'],
    ['libtensorflow.so.2', 'libtensorflow_cc.so.2'],
    ['libtensorflow_framework.so', 'libtensorflow_framework.so.2'],
  ]) {
    if (!existsSync(join(lib, link))) symlinkSync(target, join(lib, link));
  }
  const work = join(entryDir, 'build');
  mkdirSync(work, { recursive: true });
  cpSync(join(pkg.dir, 'binding'), join(work, 'binding'), { recursive: true });
  copyFileSync(join(pkg.dir, 'binding.gyp'), join(work, 'binding.gyp'));
  if (!existsSync(join(work, 'deps'))) symlinkSync(join(entryDir, 'deps'), join(work, 'deps'), 'dir');

  const started = Date.now();
  const message = (what: string) => `Building the TensorFlow binding with node-gyp (about a minute): ${what} ${Math.round((Date.now() - started) / 1000)} s`;
  let current = 'configuring';
  const ticker = setInterval(() => onProgress({ phase: 'build', message: message(current) }), 2000);
  const dir = nodeDir(env);
  const args = [gyp, 'rebuild', `--napi_build_version=${NAPI_VERSION}`, '--module_name=tfjs_binding', `--module_path=lib/napi-v${NAPI_VERSION}`, '-j', 'max', ...(dir ? [`--nodedir=${dir}`] : [])];
  const run = await runTool(process.execPath, args, {
    cwd: work,
    env,
    timeoutMs: 20 * 60_000,
    onLine: (line) => {
      const m = /^\s*(CXX|SOLINK_MODULE|COPY)\(?\w*\)?\s+(.+)$/.exec(line);
      if (m) current = `${m[1]} ${m[2].split('/').pop()}`;
    },
  }).finally(() => clearInterval(ticker));
  const built = join(work, 'build', 'Release', 'tfjs_binding.node');
  if (run.code !== 0 || !existsSync(built)) throw new Error(`building the binding failed: ${failureLine(run)}`);
  mkdirSync(dirname(bindingPath(entryDir)), { recursive: true });
  copyFileSync(built, bindingPath(entryDir));
}
