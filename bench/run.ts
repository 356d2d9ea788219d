/**
 * `npm run bench`: training speed of every preset on the engine's default backend beside PyTorch
 * on the same machine, kernel GFLOP/s, import rates and the caller's event-loop lag during a run.
 * Benchmarks print figures and never fail a build on a timing; they are not part of npm test.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { lastJsonLine, run, siblingEntry } from './childProcess.js';
import { measureEventLoopLag } from './eventLoopLag.js';
import { benchImport } from './import.js';
import { parseBenchArgs, stepsFor } from './options.js';
import { formatReport, type BenchResults } from './report.js';
import { findTorch, measureTorch, threadSettings } from './torchPeer.js';
import type { TrainingFigures } from './trainingSpeed.js';

const progress = (message: string) => process.stderr.write(`${message}\n`);
const failure = (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) });

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  const results: BenchResults = {
    machine: {
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
      cores: os.availableParallelism(),
      memoryGb: os.totalmem() / 2 ** 30,
      node: process.versions.node,
      platform: `${os.platform()} ${os.arch()}`,
    },
    date: new Date().toISOString(),
    training: [],
    torch: { skipped: true },
  };

  const torch = options.torch ? await findTorch() : undefined;
  if (torch) {
    results.torch =
      'python' in torch
        ? { version: torch.torch, python: torch.python, settings: `best of OPENBLAS_NUM_THREADS/torch threads ${threadSettings().map((t) => `${t.openblas}/${t.torch}`).join(' and ')}` }
        : torch;
    if ('missing' in torch) progress(torch.missing);
  }

  // Each case in a fresh process, so its peak memory and tensor count are its own.
  const child = siblingEntry(import.meta.url, 'trainingSpeedChild');
  const unavailable = new Set<string>();
  for (const preset of options.presets) {
    for (const batch of options.batches) {
      const steps = stepsFor(preset, batch, options.quick);
      let peer: BenchResults['training'][number]['torch'];
      if (torch && 'python' in torch) {
        progress(`PyTorch ${preset} at batch ${batch}...`);
        peer = await measureTorch(torch.python, preset, batch, steps).catch(failure);
      }
      for (const backend of options.backends.filter((b) => !unavailable.has(b))) {
        progress(`training ${preset} at batch ${batch} on ${backend} (${steps.warmupSteps} + ${steps.steps} steps)...`);
        const train = (env: NodeJS.ProcessEnv = process.env) =>
          run(process.execPath, [...process.execArgv, child, preset, String(batch), String(steps.warmupSteps), String(steps.steps)], { ...env, GAN_STUDIO_BACKEND: backend })
            .then((out) => lastJsonLine<TrainingFigures | { notLoaded: string }>(out))
            .catch(failure);
        const studio = await train();
        if ('notLoaded' in studio) {
          // A backend that does not load here is said once, not as a failed row per case.
          unavailable.add(backend);
          results.notLoaded = [...(results.notLoaded ?? []), studio.notLoaded];
          continue;
        }
        const entry: BenchResults['training'][number] = { studio, torch: peer };
        if (options.compareThreads && backend === 'wasm') {
          progress(`  again on one wasm thread...`);
          const single = await train({ ...process.env, GAN_STUDIO_WASM_THREADS: '1' });
          entry.oneThread = 'notLoaded' in single ? { error: single.notLoaded } : single;
        }
        if (peer && !('error' in studio) && !('error' in peer)) entry.ratio = studio.imagesPerSec / peer.imagesPerSec;
        results.training.push(entry);
      }
    }
  }

  if (options.kernels) {
    progress('kernels...');
    results.kernels = await run(process.execPath, [...process.execArgv, siblingEntry(import.meta.url, 'kernelsChild')], { ...process.env, GAN_STUDIO_BACKEND: 'wasm' })
      .then((out) => lastJsonLine<NonNullable<BenchResults['kernels']>>(out))
      .catch(failure);
  }
  if (options.imports) {
    progress('import...');
    results.imports = await benchImport().catch(failure);
  }
  if (options.lag) {
    progress('event-loop lag during a training run...');
    results.eventLoopLag = await measureEventLoopLag('mlp', options.quick ? 20 : 80).catch(failure);
  }

  process.stdout.write(`${formatReport(results)}\n`);
  if (options.jsonPath) {
    await writeFile(options.jsonPath, `${JSON.stringify(results, null, 2)}\n`);
    progress(`figures written to ${options.jsonPath}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
