import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { PresetId } from '../shared/presets.js';
import { lastJsonLine, run } from './childProcess.js';
import type { SpeedOptions } from './trainingSpeed.js';

export interface TorchFigures {
  preset: PresetId;
  batchSize: number;
  imagesPerSec: number;
  msPerStep: number;
  parameters: { generator: number; discriminator: number };
  torch: string;
  torchThreads: number;
  openblasThreads: string;
}

export type TorchPython = { python: string; torch: string } | { missing: string };

/** Where PyTorch is not installed, what to do about it. */
export const INSTALL_HINT =
  'PyTorch not found (tried python3 and /usr/bin/python3). On Debian/Ubuntu: sudo apt-get install python3-torch libopenblas0-pthread';

/** The script sits beside this file in the source tree; compiled code runs from dist/bench/. */
const peerScript = [new URL('./torch_peer.py', import.meta.url), new URL('../../bench/torch_peer.py', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((path) => existsSync(path))!;

/** The first python that imports torch: `python3` on PATH, then the system one. */
export async function findTorch(): Promise<TorchPython> {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const out = await run(python, ['-c', 'import json, torch; print(json.dumps({"torch": torch.__version__}))'], process.env, 60_000);
      return { python, torch: lastJsonLine<{ torch: string }>(out).torch };
    } catch {
      // try the next one
    }
  }
  return { missing: INSTALL_HINT };
}

/**
 * The two ways to use the cores without oversubscribing them (both pools at full width is ~4x
 * slower): OpenBLAS threads for the matrix products with one intra-op thread, or the reverse.
 * Each is measured and the faster one reported, so PyTorch is compared at its best here.
 */
export function threadSettings(cores = availableParallelism()): Array<{ openblas: number; torch: number }> {
  return cores > 1 ? [{ openblas: cores, torch: 1 }, { openblas: 1, torch: cores }] : [{ openblas: 1, torch: 1 }];
}

export async function measureTorch(python: string, preset: PresetId, batchSize: number, options: SpeedOptions): Promise<TorchFigures> {
  let best: TorchFigures | undefined;
  for (const threads of threadSettings()) {
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads.openblas), OMP_NUM_THREADS: String(threads.torch) };
    const args = [peerScript, '--preset', preset, '--batch', String(batchSize), '--warmup', String(options.warmupSteps), '--steps', String(options.steps), '--torch-threads', String(threads.torch)];
    const figures = lastJsonLine<TorchFigures>(await run(python, args, env));
    if (!best || figures.imagesPerSec > best.imagesPerSec) best = figures;
  }
  return best!;
}
