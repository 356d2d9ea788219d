import { resolve } from 'node:path';
import { backendNames } from '../../shared/training.js';
import { initBackend } from '../engine/backend/initBackend.js';
import { importGenerator } from '../engine/import/importGenerator.js';
import { oneOf, parseCommand, requireFlag, UsageError } from './args.js';

export const importGeneratorUsage = `gan-studio import-generator FILE.onnx --project DIR [--json] [--backend gpu|native|wasm|cpu]

Brings a generator back into a project as a run of its own: generator.onnx from the PyTorch job
(gan-studio export --format pytorch) or any ONNX export of GAN Studio. Sampling, quality measures
and every export then work on it as on a run trained here; it cannot be resumed (it has no
discriminator). It must draw the project's images: the same size and channels and, for the
conditional presets, the same classes in the same order. A metrics.jsonl beside the file (the
PyTorch job writes one) comes along for the loss chart.`;

export async function importGeneratorCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { project: { type: 'string' }, json: { type: 'boolean' }, backend: { type: 'string' } }, true);
  if (positionals.length !== 1) throw new UsageError(`import-generator takes one .onnx file, got ${positionals.length}`);
  if (!positionals[0].toLowerCase().endsWith('.onnx')) throw new UsageError(`import-generator reads an .onnx file; got ${positionals[0]}`);
  const project = resolve(requireFlag(values.project, 'project'));
  await initBackend(oneOf(values.backend, 'backend', backendNames));
  const imported = await importGenerator(positionals[0], project);
  if (values.json) {
    console.log(JSON.stringify(imported));
    return 0;
  }
  console.log(`${imported.summary}${imported.metrics ? ` (${imported.metrics} metric lines)` : ''}.`);
  console.log(`Sample it: gan-studio sample --project ${project} --run ${imported.runId} --out samples.png`);
  return 0;
}
