/**
 * `npm run bench:quality`: trains each recipe for a fixed number of steps on built-in datasets and
 * measures the last checkpoint with the studio's feature network, beside real images' own scores
 * (the ceiling). This is how the recipes' defaults were chosen; the README's table comes from it.
 * Where PyTorch is installed (unless --no-torch), each case is also trained by the run's PyTorch
 * job from the same step-0 weights for the same steps and measured the same way (torchQuality.ts).
 * A figure, never a test: nothing here fails a build.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { presetIds, presets, type PresetId } from '../shared/presets.js';
import type { QualityRecord } from '../shared/quality.js';
import type { BuiltinDatasetId } from '../shared/dataset.js';
import { importBuiltin } from '../main/data/builtins/index.js';
import { initBackend } from '../main/engine/backend/initBackend.js';
import { evaluateCheckpoint } from '../main/engine/quality/evaluateCheckpoint.js';
import { runTraining } from '../main/engine/training/runTraining.js';
import { ensureProject } from '../main/project/project.js';
import { recipeNamed, recipeNames, type RecipeName } from './recipes.js';
import { findTorch } from './torchPeer.js';
import { trainInTorch, type TorchQuality } from './torchQuality.js';

interface QualityCase {
  dataset: string;
  preset: PresetId;
  recipe: RecipeName;
  steps: number;
  seconds: number;
  quality: QualityRecord;
  real: QualityRecord;
  /** The same case trained by its PyTorch job, when PyTorch is on. */
  torch?: TorchQuality;
}

/** Datasets by name: a built-in, its size, and how many images (fashion500 is the small-data case). */
const datasets: Record<string, { id: BuiltinDatasetId; size?: number; count: number }> = {
  digits: { id: 'digits', count: 10000 },
  fashion: { id: 'fashion', count: 10000 },
  fashion500: { id: 'fashion', count: 500 },
  shapes: { id: 'shapes', size: 32, count: 2000 },
};

const usage = `npm run bench:quality -- [--datasets ${Object.keys(datasets).join(',')}] [--presets ${presetIds.join(',')}]
                               [--recipes ${recipeNames.join(',')}] [--steps N] [--batch N] [--seed N] [--torch | --no-torch]`;

function parseArgs(args: string[]) {
  const options = {
    datasets: ['fashion', 'fashion500'],
    presets: ['cdcgan'] as PresetId[],
    recipes: [...recipeNames] as RecipeName[],
    steps: 3000,
    batch: 64,
    seed: 42,
    /** true: PyTorch beside each case (an error without it); false: never; undefined: where it imports. */
    torch: undefined as boolean | undefined,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => args[++i] ?? (() => { throw new Error(`${arg} needs a value\n${usage}`); })();
    const list = <T extends string>(known: readonly T[]) => value().split(',').map((v) => {
      if (!known.includes(v as T)) throw new Error(`${arg}: ${v} is not one of ${known.join(', ')}`);
      return v as T;
    });
    if (arg === '--datasets') options.datasets = list(Object.keys(datasets));
    else if (arg === '--presets') options.presets = list(presetIds);
    else if (arg === '--recipes') options.recipes = list(recipeNames);
    else if (arg === '--torch' || arg === '--no-torch') options.torch = arg === '--torch';
    else if (arg === '--steps' || arg === '--batch' || arg === '--seed') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < (arg === '--seed' ? 0 : 1)) throw new Error(`${arg} must be a whole number`);
      options[arg.slice(2) as 'steps' | 'batch' | 'seed'] = n;
    } else throw new Error(`Unknown option ${arg}\n${usage}`);
  }
  return options;
}

const progress = (message: string) => process.stderr.write(`${message}\n`);
const fixed = (n: number | undefined, digits = 3) => (n === undefined ? '–' : n.toFixed(digits));

/** The Python that trains the PyTorch column, or null with the reason said once. */
async function torchPython(wanted: boolean | undefined): Promise<string | null> {
  if (wanted === false) return null;
  const found = await findTorch();
  if ('python' in found) return found.python;
  if (wanted) throw new Error(`--torch: ${found.missing}`);
  progress(`${found.missing}; the PyTorch column is left out.`);
  return null;
}

/** Fréchet, recall and class accuracy of one trained generator, as the table shows them. */
const measures = (q: QualityRecord, conditional: boolean) => `${fixed(q.frechetDistance, 2)} | ${fixed(q.recall, 2)} | ${conditional ? fixed(q.conditionalAccuracy, 2) : '–'}`;

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const backend = await initBackend();
  const python = await torchPython(options.torch);
  const cases: QualityCase[] = [];
  for (const name of options.datasets) {
    const data = datasets[name];
    const dir = await mkdtemp(join(os.tmpdir(), `gan-studio-quality-${name}-`));
    try {
      await ensureProject(dir, name);
      progress(`importing ${name} (${data.count} images)...`);
      await importBuiltin(data.id, dir, { size: data.size, count: data.count });
      for (const preset of options.presets) {
        for (const recipe of options.recipes) {
          progress(`${name} ${preset} ${recipe}: ${options.steps} steps on ${backend.label}...`);
          const started = performance.now();
          const end = await runTraining(
            { projectDir: dir, options: { preset, params: { batchSize: options.batch, ...recipeNamed(recipe) }, epochs: 100000, maxSteps: options.steps, seed: options.seed, quality: false, keepEvery: 0 } },
            () => {},
          );
          if (end.type !== 'finished') throw new Error(`${name} ${preset} ${recipe}: ${end.type === 'failed' ? end.message : end.type}`);
          const seconds = (performance.now() - started) / 1000;
          const evaluation = await evaluateCheckpoint(dir, {});
          const q = evaluation.quality;
          progress(`  Fréchet ${fixed(q.frechetDistance, 2)}, recall ${fixed(q.recall, 2)}, class accuracy ${fixed(q.conditionalAccuracy, 2)} (${seconds.toFixed(0)} s)`);
          let torch: TorchQuality | undefined;
          if (python) {
            progress(`  the same in PyTorch from ${evaluation.runId}'s step-0 weights...`);
            torch = await trainInTorch(python, dir, evaluation.runId, options.steps, join(dir, 'pytorch-jobs'));
            const t = torch.quality;
            progress(`  PyTorch: Fréchet ${fixed(t.frechetDistance, 2)}, recall ${fixed(t.recall, 2)}, class accuracy ${fixed(t.conditionalAccuracy, 2)} (${torch.seconds.toFixed(0)} s)`);
          }
          cases.push({ dataset: name, preset, recipe, steps: options.steps, seconds, quality: q, real: evaluation.featureNet.real, torch });
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const columns = ['dataset', 'preset', 'recipe', 'steps', 'Fréchet ↓', 'kernel ↓', 'precision', 'recall', 'class accuracy', 'real: Fréchet / class acc.', 'time'];
  if (python) columns.push('PyTorch: Fréchet ↓', 'recall', 'class accuracy', 'time');
  const rows = cases.map((c) => {
    const conditional = presets[c.preset].conditional;
    const studio = `${c.dataset} | ${c.preset} | ${c.recipe} | ${c.steps} | ${fixed(c.quality.frechetDistance, 2)} | ${fixed(c.quality.kernelDistance)} | ${fixed(c.quality.precision, 2)} | ${fixed(c.quality.recall, 2)} | ${conditional ? fixed(c.quality.conditionalAccuracy, 2) : '–'} | ${fixed(c.real.frechetDistance, 2)} / ${conditional ? fixed(c.real.conditionalAccuracy, 2) : '–'} | ${c.seconds.toFixed(0)} s`;
    const torch = python ? (c.torch ? ` | ${measures(c.torch.quality, conditional)} | ${c.torch.seconds.toFixed(0)} s` : ' | – | – | – | –') : '';
    return `| ${studio}${torch} |`;
  });
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const torchNote = python ? '; PyTorch: the run\'s exported job from the same step-0 weights, one process, 2 threads, measured by the same feature network' : '';
  process.stdout.write(
    `Recipes after ${options.steps} steps at batch ${options.batch}, seed ${options.seed}, on ${backend.label}; ${cpu}, ${os.availableParallelism()} cores${torchNote}\n\n` +
      `| ${columns.join(' | ')} |\n|${' --- |'.repeat(columns.length)}\n${rows.join('\n')}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
