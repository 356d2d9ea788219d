import { resolve } from 'node:path';
import { builtinDatasetIds, channelModes, type BuiltinDatasetId } from '../../shared/dataset.js';
import { presetIds } from '../../shared/presets.js';
import { rememberedParams, withPresetChoice } from '../../shared/project.js';
import { measureIds } from '../../shared/quality.js';
import { backendNames, DEFAULT_KEEP_EVERY, type TrainingEvent, type TrainOptions } from '../../shared/training.js';
import { startTraining } from '../engine/training/startTraining.js';
import { resolveParams } from '../engine/models/buildModels.js';
import { epochsDone, epochText } from '../../shared/epochs.js';
import { findCheckpoint } from '../project/findCheckpoint.js';
import { projectLayout } from '../project/layout.js';
import { readManifest } from '../project/manifest.js';
import { readRunInfo } from '../project/runs.js';
import { ensureProject, writeProjectFile } from '../project/project.js';
import { intFlag, oneOf, paramPairs, parseCommand, requireFlag, UsageError } from './args.js';
import { importBuiltinWithProgress } from './import.js';
import { onInterrupt } from './interrupt.js';
import { formatDuration, ProgressBar } from './progressBar.js';
import { qualityReporter } from './qualityReport.js';

export const trainUsage = `gan-studio train --project DIR [--preset mlp|dcgan|cgan|cdcgan] [--epochs N] [--builtin shapes|digits|fashion]
                 [--batch-size N] [--param key=value ...] [--seed N] [--backend gpu|native|wasm|cpu]
                 [--max-steps N] [--checkpoint-every N] [--keep-every N] [--early-stop K] [--best-by MEASURE] [--no-quality] [--json]
gan-studio train --project DIR --resume [--run RUN] [--checkpoint C] [--epochs N]

Trains a GAN on the project's dataset (importing a built-in set first with --builtin), writing a
checkpoint each epoch. Ctrl-C stops cleanly with a checkpoint (a second Ctrl-C quits at once,
keeping the last complete one); --resume continues from it. Of a run's checkpoints the latest, the
best and every Nth are kept (--keep-every N, default ${DEFAULT_KEEP_EVERY}; 0 keeps them all).
Each checkpoint is measured for quality (see gan-studio evaluate --help) and the best is named at
the end; --early-stop K stops when the --best-by measure (default frechetDistance) has not
improved for K checkpoints. --no-quality skips the measures and the feature network they need.`;

export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    project: { type: 'string' },
    preset: { type: 'string' },
    epochs: { type: 'string' },
    builtin: { type: 'string' },
    size: { type: 'string' },
    channels: { type: 'string' },
    count: { type: 'string' },
    'batch-size': { type: 'string' },
    param: { type: 'string', multiple: true },
    seed: { type: 'string' },
    backend: { type: 'string' },
    'max-steps': { type: 'string' },
    'checkpoint-every': { type: 'string' },
    'keep-every': { type: 'string' },
    resume: { type: 'boolean' },
    run: { type: 'string' },
    checkpoint: { type: 'string' },
    json: { type: 'boolean' },
    'early-stop': { type: 'string' },
    'best-by': { type: 'string' },
    'no-quality': { type: 'boolean' },
  });
  const projectDir = resolve(requireFlag(values.project, 'project'));
  const preset = oneOf(values.preset, 'preset', presetIds);
  const builtin = oneOf(values.builtin, 'builtin', builtinDatasetIds);
  if (values.resume && (preset || builtin || values.param || values['batch-size'])) {
    throw new UsageError('--resume continues a run with its own preset and parameters; leave out --preset, --builtin, --param and --batch-size');
  }
  if (!values.resume && (values.run || values.checkpoint)) throw new UsageError('--run and --checkpoint go with --resume');

  const project = await ensureProject(projectDir);
  if (builtin) await ensureBuiltin(projectDir, builtin, { size: intFlag(values.size, 'size', 8), channels: oneOf(values.channels, 'channels', channelModes), count: intFlag(values.count, 'count', 1) });

  const params = { ...rememberedParams(project, preset ?? project.preset), ...paramPairs(values.param) };
  const batchSize = intFlag(values['batch-size'], 'batch-size', 1);
  if (batchSize !== undefined) params.batchSize = batchSize;
  const options: TrainOptions = {
    preset: preset ?? project.preset,
    params,
    epochs: intFlag(values.epochs, 'epochs', 1),
    seed: intFlag(values.seed, 'seed', 0),
    backend: oneOf(values.backend, 'backend', backendNames),
    maxSteps: intFlag(values['max-steps'], 'max-steps', 1),
    checkpointEverySteps: intFlag(values['checkpoint-every'], 'checkpoint-every', 0),
    keepEvery: intFlag(values['keep-every'], 'keep-every', 0),
    quality: !values['no-quality'],
    qualityMeasure: oneOf(values['best-by'], 'best-by', measureIds),
    earlyStopPatience: intFlag(values['early-stop'], 'early-stop', 1),
  };
  if (values['no-quality'] && options.earlyStopPatience) throw new UsageError('--early-stop needs the quality measures; leave out --no-quality');
  // Only parameters the preset accepts are remembered as the project's choice.
  if (!values.resume) {
    resolveParams(options.preset, params);
    await writeProjectFile(projectDir, withPresetChoice(project, options.preset, params));
  }

  if (values.resume) await checkSomethingToResume(projectDir, { runId: values.run, checkpointId: values.checkpoint }, options);

  const report = values.json ? jsonReporter() : consoleReporter();
  const handle = startTraining(
    { projectDir, options, resume: values.resume ? { runId: values.run, checkpointId: values.checkpoint } : undefined },
    report.onEvent,
  );
  const release = onInterrupt(() => handle.stop());
  const end = await handle.done;
  release();
  report.end(end);
  return end.type === 'failed' ? 1 : 0;
}

/**
 * A run that already trained the epochs it was given has nothing left to do: say so, and how to
 * train further, instead of "0 steps".
 */
async function checkSomethingToResume(projectDir: string, wanted: { runId?: string; checkpointId?: string }, options: TrainOptions) {
  const found = await findCheckpoint(projectDir, wanted);
  const run = await readRunInfo(projectLayout(projectDir).run(found.runId).dir);
  const epochs = options.epochs ?? run.epochs;
  const planned = Math.min(epochs * run.stepsPerEpoch, options.maxSteps ?? Infinity);
  if (run.stepsPerEpoch > 0 && found.checkpoint.step >= planned) {
    const at = `step ${found.checkpoint.step}, epoch ${epochText(found.checkpoint.step, run.stepsPerEpoch)}`;
    throw new Error(
      `${found.runId}/${found.checkpoint.id} (${at}) already reached the ${epochs} epochs asked for, so there is nothing to resume. ` +
        `To train it further, give the new total: --epochs ${epochsDone(found.checkpoint.step, run.stepsPerEpoch) + 10} (or any number above ${epochText(found.checkpoint.step, run.stepsPerEpoch)}).`,
    );
  }
}

/** Imports a built-in set unless the project already holds it. */
async function ensureBuiltin(projectDir: string, id: BuiltinDatasetId, options: { size?: number; channels?: 'gray' | 'rgb'; count?: number }) {
  // An unreadable dataset is imported again, like a missing one.
  const current = await readManifest(projectDir).catch(() => null);
  const same =
    current?.source.kind === 'builtin' &&
    current.source.id === id &&
    (options.size === undefined || options.size === current.width) &&
    (options.count === undefined || options.count === current.count) &&
    (options.channels === undefined || (options.channels === 'gray' ? 1 : 3) === current.channels);
  if (!same) await importBuiltinWithProgress(id, projectDir, options);
}

interface Reporter {
  onEvent(event: TrainingEvent): void;
  end(event: TrainingEvent & { type: 'finished' | 'failed' }): void;
}

function consoleReporter(): Reporter {
  const quality = qualityReporter();
  let bar: ProgressBar | null = null;
  let runId = '';
  let lastCheckpoint = '';
  let lastMetrics: (TrainingEvent & { type: 'metrics' }) | null = null;
  let startStep = 0;
  let stepsPerEpoch = 0;
  const started = performance.now();
  return {
    onEvent(event) {
      switch (event.type) {
        case 'started':
          runId = event.runId;
          startStep = event.step;
          stepsPerEpoch = event.stepsPerEpoch;
          console.log(`${event.resumedFrom ? `Resuming ${event.runId} from ${event.resumedFrom}` : `Training ${event.runId}`}: ${event.preset}, batch ${event.params.batchSize}, ${event.stepsPerEpoch} steps/epoch, ${event.totalSteps} steps in all`);
          console.log(`Backend: ${event.backend.label}`);
          bar = new ProgressBar('Training', 'img');
          break;
        case 'metrics':
          lastMetrics = event;
          bar?.update(event.step, event.totalSteps, `epoch ${epochText(event.step, stepsPerEpoch, event.epoch)} D ${event.dLoss.toFixed(3)} G ${event.gLoss.toFixed(3)} D(x) ${event.dReal.toFixed(2)} D(G(z)) ${event.dFake.toFixed(2)}`, event.imagesPerSec);
          break;
        case 'checkpoint':
          lastCheckpoint = event.checkpoint.id;
          break;
        case 'log':
          if (event.level === 'warn') console.warn(`\n${event.message}`);
          break;
      }
      quality.onEvent(event);
    },
    end(event) {
      bar?.done();
      const took = formatDuration((performance.now() - started) / 1000);
      if (event.type === 'failed') {
        console.error(`Training failed${runId ? ` (${runId})` : ''} at step ${event.step}: ${event.message}`);
        return;
      }
      const m = lastMetrics;
      const what = event.reason === 'stopped' ? 'Stopped' : 'Finished';
      console.log(
        `${what} ${runId}: ${event.step - startStep} steps (to step ${event.step}) in ${took}` +
          (m ? `, ${m.imagesPerSec.toFixed(0)} img/s, D loss ${m.dLoss.toFixed(3)}, G loss ${m.gLoss.toFixed(3)}` : '') +
          (lastCheckpoint ? `; latest checkpoint ${lastCheckpoint}` : ''),
      );
      const best = quality.bestLine();
      if (best) console.log(best);
    },
  };
}

/** --json: one JSON object per event on stdout (sample grids summarised), for scripts. */
function jsonReporter(): Reporter {
  const write = (event: TrainingEvent) =>
    process.stdout.write(JSON.stringify(event.type === 'sample' ? { ...event, grid: { width: event.grid.width, height: event.grid.height, rows: event.grid.rows, cols: event.grid.cols } } : event) + '\n');
  return { onEvent: write, end: () => {} };
}
