import type { BackendReport, NativeSetupProgress, NativeSetupResult, NativeVariant } from '../../shared/backends.js';
import { backendReport } from '../engine/backend/backendReport.js';
import { findNativePackage, missingBindingReason, vendorIntoPackage } from '../engine/backend/native/nativePackage.js';
import { nvidiaDriverMissing } from '../engine/backend/native/nativeRuntime.js';
import { setupNative } from '../engine/backend/native/setupNative.js';
import { oneOf, parseCommand } from './args.js';
import { ProgressBar } from './progressBar.js';

export const backendsUsage = `gan-studio backends [--json]
gan-studio backends --setup [cpu|gpu] [--force] [--optional]
gan-studio backends --vendor

Lists every TensorFlow.js backend: whether it loads here, its TensorFlow version, the device it
computes on, and where it does not load, why and the fix. Training picks the first that loads
(gpu, native, wasm, cpu) unless --backend or GAN_STUDIO_BACKEND says otherwise.

--setup provisions the native TensorFlow backend (npm install runs it): from the per-user cache
if an earlier install built it, else by the package's own download, else from pip's
tensorflow-cpu wheel with the binding built by node-gyp. Without cpu|gpu it sets up the CPU one,
and @tensorflow/tfjs-node-gpu too where an NVIDIA driver is loaded. --force rebuilds; --optional reports a failure but exits 0 (WebAssembly keeps working).
GAN_STUDIO_SKIP_NATIVE_SETUP=1 makes --setup --optional do nothing. --vendor copies the cached
library into the installed packages, so that an installer (npm run dist) carries it.`;

export async function backendsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { json: { type: 'boolean' }, setup: { type: 'boolean' }, force: { type: 'boolean' }, optional: { type: 'boolean' }, vendor: { type: 'boolean' } }, true);
  if (values.vendor) {
    for (const variant of ['cpu', 'gpu'] as const) {
      const pkg = findNativePackage(variant);
      if (pkg && !missingBindingReason(pkg.dir) && vendorIntoPackage(pkg.dir)) console.error(`GAN Studio: ${pkg.name} now carries its own copy of the TensorFlow library (for packaging).`);
    }
    return 0;
  }
  if (!values.setup) {
    const report = await backendReport();
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return 0;
  }
  const asked = oneOf(positionals[0], 'setup', ['cpu', 'gpu'] as const);
  if (values.optional && process.env.GAN_STUDIO_SKIP_NATIVE_SETUP === '1') {
    console.error('GAN Studio: native TensorFlow setup skipped (GAN_STUDIO_SKIP_NATIVE_SETUP=1); training uses WebAssembly.');
    return 0;
  }
  // Without a variant: the CPU one, and the GPU one too where an NVIDIA driver is loaded.
  const variants: NativeVariant[] = asked ? [asked] : nvidiaDriverMissing() ? ['cpu'] : ['cpu', 'gpu'];
  let failed = false;
  for (const variant of variants) {
    const result = await setupNative(variant, { force: values.force, onProgress: progressPrinter() });
    console.error(setupLine(result));
    failed ||= !result.ok;
  }
  return failed && !values.optional ? 1 : 0;
}

/** The one line that ends a setup, success or not. */
export function setupLine(result: NativeSetupResult): string {
  const name = variantName(result.variant);
  if (!result.ok) return `GAN Studio: the ${name} backend is not set up: ${result.reason}. Fix: ${result.fix}.`;
  const how = { 'already-installed': 'already installed', 'from-cache': `linked from the cache (${result.cacheDir})`, provisioned: `set up from ${result.source === 'tensorflow-wheel' ? "pip's tensorflow-cpu wheel, binding built from source" : "the package's own download"}, cached in ${result.cacheDir}` }[result.how];
  return `GAN Studio: the ${name} backend is ready (TensorFlow ${result.tensorflowVersion}, ${how}).`;
}

const variantName = (variant: NativeVariant): string => (variant === 'gpu' ? 'GPU (tfjs-node-gpu)' : 'native TensorFlow (tfjs-node)');

export function formatReport(report: BackendReport): string {
  const lines = report.backends.map((b) => {
    const head = `${b.loaded ? 'yes' : 'no '}  ${b.name.padEnd(6)}  ${b.loaded ? b.label : b.package}`;
    const why = [b.reason ? `       why: ${b.reason}` : '', b.fix ? `       fix: ${b.fix}` : ''].filter(Boolean);
    return [head, ...why].join('\n');
  });
  const choice = report.backends.find((b) => b.name === report.defaultChoice);
  return [`loads  backend`, ...lines, '', choice ? `Training uses ${choice.name}: ${choice.label}` : 'No backend loads.'].join('\n');
}

/** Phases as lines; byte counts as a bar. A terminal redraws in place, a log gets a line every few seconds. */
function progressPrinter(): (p: NativeSetupProgress) => void {
  const tty = Boolean(process.stderr.isTTY);
  let bar: ProgressBar | null = null;
  let lastLine = '';
  let lastAt = 0;
  return (p) => {
    if (p.done !== undefined && p.total !== undefined) {
      bar ??= new ProgressBar(p.message, 'MB');
      bar.update(Math.round(p.done / 1e6), Math.round(p.total / 1e6));
      return;
    }
    if (bar) {
      bar.done();
      bar = null;
    }
    const head = p.message.replace(/\d+ s$/, '');
    if (!tty && head === lastLine && Date.now() - lastAt < 10_000) return;
    lastLine = head;
    lastAt = Date.now();
    process.stderr.write(tty ? `\r\x1b[K${p.message}` : `${p.message}\n`);
    if (tty && p.phase === 'verify') process.stderr.write('\n');
  };
}
