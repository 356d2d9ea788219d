import { resolve } from 'node:path';
import { formatMeasure, measureIds, measures, type CheckpointEvaluation } from '../../shared/quality.js';
import { backendNames } from '../../shared/training.js';
import { initBackend } from '../engine/backend/initBackend.js';
import { evaluateCheckpoint } from '../engine/quality/evaluateCheckpoint.js';
import { intFlag, oneOf, parseCommand, requireFlag } from './args.js';
import { ProgressBar } from './progressBar.js';

export const evaluateUsage = `gan-studio evaluate --project DIR [--run RUN] [--checkpoint C] [--by MEASURE] [--seed N] [--save] [--json] [--backend gpu|native|wasm|cpu]

Measures how good a checkpoint's generator is (the latest checkpoint unless named), beside the
scores of held-out real images. The features come from a small network trained on the project's
own images (once, then cached in cache/quality/), not from Inception: compare the numbers only
between checkpoints and runs of the same dataset.

  --by MEASURE  the measure that picks the run's best checkpoint (default frechetDistance)
  --seed N      noise seed of the samples; the default reproduces the measures stored in training
  --save        store the measures in the checkpoint (for runs trained with quality off)
  --json        print one JSON object: each measure under its name (as below), and run, checkpoint,
                step, epoch, preset, seed, samples, real (held-out real images' scores by measure
                name), best (the run's best checkpoint by --by) and alarm (when raised)

Measures (JSON key, name, what it says):
${measureIds.map((m) => `  ${m}  ${measures[m].label}\n      ${measures[m].explanation.join('\n      ')}`).join('\n')}`;

export async function evaluateCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    project: { type: 'string' },
    run: { type: 'string' },
    checkpoint: { type: 'string' },
    by: { type: 'string' },
    seed: { type: 'string' },
    save: { type: 'boolean' },
    json: { type: 'boolean' },
    backend: { type: 'string' },
  });
  const projectDir = resolve(requireFlag(values.project, 'project'));
  const measure = oneOf(values.by, 'by', measureIds);
  await initBackend(oneOf(values.backend, 'backend', backendNames));
  const bar = new ProgressBar('Feature network (once per dataset)', 'steps');
  let training = false;
  const result = await evaluateCheckpoint(
    projectDir,
    { runId: values.run, checkpointId: values.checkpoint },
    {
      seed: intFlag(values.seed, 'seed', 0),
      measure,
      save: values.save,
      onProgress: (done, total) => {
        training = true;
        bar.update(done, total);
      },
    },
  );
  if (training) bar.done();
  if (values.json) {
    console.log(JSON.stringify(jsonReport(result)));
    return 0;
  }
  console.log(report(result));
  return 0;
}

/** --json: the measures keyed by name (as scripts read them since the first version), then where they come from and what real images score. */
export function jsonReport(r: CheckpointEvaluation): Record<string, unknown> {
  const present = (q: Partial<Record<string, number>>) => Object.fromEntries(measureIds.filter((m) => q[m] !== undefined).map((m) => [m, q[m]]));
  return {
    ...present(r.quality),
    run: r.runId,
    checkpoint: r.checkpoint.id,
    step: r.checkpoint.step,
    epoch: r.checkpoint.epoch,
    preset: r.preset,
    seed: r.seed,
    samples: r.featureNet.sampleCount,
    referenceImages: r.featureNet.referenceCount,
    real: present(r.featureNet.real),
    measure: r.measure,
    best: r.best ?? null,
    alarm: r.alarm ?? null,
  };
}

/** The human-readable report: a table of measures beside real images, the best checkpoint, any alarm. */
function report(r: CheckpointEvaluation): string {
  const { featureNet: fn, checkpoint } = r;
  const features =
    fn.kind === 'classifier'
      ? `a classifier trained on this dataset (${((fn.heldOutAccuracy ?? 0) * 100).toFixed(1)}% right on held-out images)`
      : 'an autoencoder trained on this dataset';
  const rows = measureIds.filter((m) => r.quality[m] !== undefined);
  const width = Math.max(...rows.map((m) => measures[m].label.length));
  const lines = [
    `${r.runId}/${checkpoint.id} (step ${checkpoint.step}, ${r.preset}): ${fn.sampleCount} generated images (seed ${r.seed}) against ${fn.referenceCount} held-out real images`,
    `Features: ${features}. Not Inception: compare within this dataset only.`,
    '',
    `${'Measure'.padEnd(width)}  ${'Checkpoint'.padStart(10)}  ${'Real images'.padStart(11)}  Better`,
    ...rows.map((m) => `${measures[m].label.padEnd(width)}  ${formatMeasure(m, r.quality[m]).padStart(10)}  ${formatMeasure(m, fn.real[m]).padStart(11)}  ${measures[m].better}`),
  ];
  if (r.best) {
    const label = measures[r.measure].label;
    const self = r.best.checkpointId === checkpoint.id ? ' (this one)' : '';
    lines.push('', `Best checkpoint of ${r.runId} by ${label}: ${r.best.checkpointId}${self}, step ${r.best.step}, ${formatMeasure(r.measure, r.best.value)}`);
  }
  if (r.alarm) lines.push('', `! ${r.alarm.title}`, `  ${r.alarm.explanation}`, ...r.alarm.suggestions.map((s) => `  - ${s}`));
  if (r.saved) lines.push('', `Stored in ${r.runId}/${checkpoint.id}/checkpoint.json.`);
  lines.push('', `(${r.seconds.toFixed(1)} s; gan-studio evaluate --help explains each measure)`);
  return lines.join('\n');
}
