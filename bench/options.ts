import { presetIds, type PresetId } from '../shared/presets.js';
import { backendNames, type BackendName } from '../shared/training.js';

/** The order of the issue and the README table: the MLPs, then the convolutional presets. */
const benchOrder: PresetId[] = ['mlp', 'cgan', 'dcgan', 'cdcgan'];
import type { SpeedOptions } from './trainingSpeed.js';

export interface BenchOptions {
  presets: PresetId[];
  batches: number[];
  /** Each case is trained on each of these that loads; native and wasm side by side by default. */
  backends: BackendName[];
  /** Where to write the figures as JSON, if asked. */
  jsonPath?: string;
  torch: boolean;
  imports: boolean;
  lag: boolean;
  kernels: boolean;
  quick: boolean;
  /** Also train each case on one wasm thread, to show what the threads add. */
  compareThreads: boolean;
}

const usage = `npm run bench -- [--json [file]] [--presets mlp,cgan,dcgan,cdcgan] [--batches 64,256] [--backends gpu,native,wasm] [--quick]
                       [--no-torch] [--no-import] [--no-lag] [--no-kernels] [--compare-threads]`;

/** Parses the command line; throws with the usage on anything it does not know. */
export function parseBenchArgs(args: string[]): BenchOptions {
  const options: BenchOptions = { presets: benchOrder.filter((p) => presetIds.includes(p)), batches: [64, 256], backends: ['gpu', 'native', 'wasm'], torch: true, imports: true, lag: true, kernels: true, quick: false, compareThreads: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${usage}`);
      return next;
    };
    if (arg === '--json') options.jsonPath = args[i + 1] && !args[i + 1].startsWith('--') ? value() : 'bench-results.json';
    else if (arg.startsWith('--json=')) options.jsonPath = arg.slice('--json='.length);
    else if (arg === '--presets') options.presets = value().split(',').map((p) => checkPreset(p));
    else if (arg === '--batches') options.batches = value().split(',').map((b) => checkBatch(b));
    else if (arg === '--backends') options.backends = value().split(',').map((b) => checkBackend(b));
    else if (arg === '--quick') options.quick = true;
    else if (arg === '--compare-threads') options.compareThreads = true;
    else if (arg === '--no-torch') options.torch = false;
    else if (arg === '--no-import') options.imports = false;
    else if (arg === '--no-lag') options.lag = false;
    else if (arg === '--no-kernels') options.kernels = false;
    else throw new Error(`Unknown option ${arg}\n${usage}`);
  }
  return options;
}

function checkPreset(value: string): PresetId {
  if (!(presetIds as readonly string[]).includes(value)) throw new Error(`--presets: ${value} is not one of ${presetIds.join(', ')}`);
  return value as PresetId;
}

function checkBackend(value: string): BackendName {
  if (!(backendNames as readonly string[]).includes(value)) throw new Error(`--backends: ${value} is not one of ${backendNames.join(', ')}`);
  return value as BackendName;
}

function checkBatch(value: string): number {
  const batch = Number(value);
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`--batches: ${value} is not a batch size`);
  return batch;
}

/**
 * Steps per case: enough for a stable rate on the slowest preset within minutes. Convolutional
 * presets are ~6x slower per step, so they get fewer; --quick is for checking the bench runs.
 */
export function stepsFor(preset: PresetId, batchSize: number, quick: boolean): SpeedOptions {
  const convolutional = preset === 'dcgan' || preset === 'cdcgan';
  if (quick) return { warmupSteps: 1, steps: 2 };
  const steps = convolutional ? 12 : 40;
  return { warmupSteps: 3, steps: batchSize > 128 ? Math.ceil(steps / 2) : steps };
}
