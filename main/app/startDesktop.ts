/**
 * `npm start` after the build: fetches the Electron binary if it is missing, then opens the
 * desktop app. Where the download cannot happen (no internet), it says so in one line with the
 * reason and points to web mode, instead of the downloader's stack trace. Runs under plain Node.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
/** The project root, where package.json names the app's entry. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const install = spawnSync(process.execPath, [join(electronDir, 'install.js')], { encoding: 'utf8' });
if (install.status !== 0) {
  const output = `${install.stderr ?? ''}${install.stdout ?? ''}`;
  // The first line of a stack ("TypeError: fetch failed") is the reason; the frames below it help nobody here.
  const reason = output.split('\n').find((line) => line.trim() && !/^\s+at /.test(line))?.trim() ?? `exit code ${install.status}`;
  console.error(`\nGAN Studio: the Electron binary could not be downloaded (${reason}; no internet here?).`);
  console.error('Run the studio in your browser instead: npm run serve\n');
  process.exit(1);
}

// Under Node the electron package's main export is the path of its binary.
const app = spawn(require('electron') as string, [root], { stdio: 'inherit' });
app.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.kill(signal));
