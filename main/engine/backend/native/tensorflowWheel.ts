import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NativeSetupProgress } from '../../../../shared/backends.js';
import { failureLine, runTool } from './runTool.js';

/**
 * The TensorFlow C library tfjs-node links against ships inside pip's `tensorflow-cpu` wheel
 * (libtensorflow_cc.so.2 exports the C and eager C API): a way in where tfjs-node's own download
 * host cannot be reached but a Python package index can. Linux x64 only; the wheel's Python tag
 * does not matter because only its C library is used.
 */
export const WHEEL = { name: 'tensorflow-cpu', version: '2.21.0', platforms: ['manylinux_2_27_x86_64', 'manylinux2014_x86_64'], python: '3.11' } as const;

export const wheelSupported = (): boolean => process.platform === 'linux' && process.arch === 'x64';

type Progress = (p: NativeSetupProgress) => void;

/** Finds a Python with pip: GAN_STUDIO_PYTHON, else python3, else python. */
export async function findPython(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const candidates = env.GAN_STUDIO_PYTHON ? [env.GAN_STUDIO_PYTHON] : ['python3', 'python'];
  for (const python of candidates) {
    const run = await runTool(python, ['-m', 'pip', '--version'], { timeoutMs: 30_000, env });
    if (run.code === 0) return python;
  }
  return null;
}

/** Downloads the wheel into `dir` and returns its path. Throws with pip's own reason. */
export async function downloadWheel(python: string, dir: string, onProgress: Progress, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const started = Date.now();
  let size = '';
  const message = () => `Downloading TensorFlow ${WHEEL.version} (${WHEEL.name} wheel${size ? `, ${size}` : ', ~274 MB'}) with pip… ${Math.round((Date.now() - started) / 1000)} s`;
  const ticker = setInterval(() => onProgress({ phase: 'download', message: message() }), 2000);
  onProgress({ phase: 'download', message: message() });
  const platforms = WHEEL.platforms.flatMap((p) => ['--platform', p]);
  const run = await runTool(
    python,
    ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--python-version', WHEEL.python, ...platforms, '--progress-bar', 'off', '--disable-pip-version-check', '-d', dir, `${WHEEL.name}==${WHEEL.version}`],
    {
      timeoutMs: 30 * 60_000,
      env,
      onLine: (line) => {
        const m = /Downloading .*\(([\d.]+ [kMG]B)\)/.exec(line);
        if (m) size = m[1];
      },
    },
  ).finally(() => clearInterval(ticker));
  const wheel = readdirSync(dir).find((f) => f.startsWith(WHEEL.name.replace('-', '_')) && f.endsWith('.whl'));
  if (run.code !== 0 || !wheel) throw new Error(`pip could not download ${WHEEL.name}==${WHEEL.version}: ${failureLine(run)}`);
  return join(dir, wheel);
}

/** Headers the binding's sources include, directly or through the C API headers. */
const HEADER_DIRS = ['tensorflow/c/', 'tensorflow/core/platform/', 'tsl/platform/', 'xla/tsl/c/', 'xla/tsl/platform/'];
const LIBRARIES: Record<string, string> = {
  'tensorflow/libtensorflow_cc.so.2': 'libtensorflow_cc.so.2',
  'tensorflow/libtensorflow_framework.so.2': 'libtensorflow_framework.so.2',
};

/** Python's zipfile streams the 788 MB library out of the wheel; it prints "done total" byte counts as it goes. */
const EXTRACT_SCRIPT = `
import json, os, sys, zipfile
wheel, lib_dir, include_dir = sys.argv[1:4]
libs = json.loads(sys.argv[4]); header_dirs = tuple('tensorflow/include/' + d for d in json.loads(sys.argv[5]))
z = zipfile.ZipFile(wheel)
items = [i for i in z.infolist() if i.filename in libs or (i.filename.startswith(header_dirs) and i.filename.endswith('.h'))]
missing = [name for name in libs if name not in z.namelist()]
if missing: sys.exit('the wheel has no ' + ', '.join(missing))
total = sum(i.file_size for i in items); done = 0
for i in items:
    dest = os.path.join(lib_dir, libs[i.filename]) if i.filename in libs else os.path.join(include_dir, i.filename[len('tensorflow/include/'):])
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with z.open(i) as src, open(dest, 'wb') as out:
        while True:
            block = src.read(1 << 22)
            if not block: break
            out.write(block); done += len(block)
            print(done, total, flush=True)
`;

/** Extracts the TensorFlow libraries into `libDir` and the C headers into `includeDir`. */
export async function extractWheel(python: string, wheel: string, libDir: string, includeDir: string, onProgress: Progress): Promise<void> {
  let last = 0;
  const run = await runTool(python, ['-c', EXTRACT_SCRIPT, wheel, libDir, includeDir, JSON.stringify(LIBRARIES), JSON.stringify(HEADER_DIRS)], {
    timeoutMs: 10 * 60_000,
    onLine: (line) => {
      const [done, total] = line.split(' ').map(Number);
      if (!Number.isFinite(done) || !Number.isFinite(total) || Date.now() - last < 500) return;
      last = Date.now();
      onProgress({ phase: 'extract', message: 'Unpacking the TensorFlow library', done, total });
    },
  });
  if (run.code !== 0) throw new Error(`could not unpack ${wheel}: ${failureLine(run)}`);
}
