import * as tf from '@tensorflow/tfjs';
import { resolve, dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { backendNames } from '../../shared/training.js';
import { initBackend } from '../engine/backend/initBackend.js';
import { openGenerator } from '../engine/checkpoint/openGenerator.js';
import { openExportedGenerator } from '../engine/export/openExport.js';
import { mixSeed } from '../../shared/random.js';
import { composeGrid, writeGridPng } from '../engine/samples/grid.js';
import { generatePixels } from '../engine/samples/generate.js';
import { withCheckpoint } from '../project/findCheckpoint.js';
import { intFlag, oneOf, parseCommand, requireFlag, UsageError } from './args.js';

export const sampleUsage = `gan-studio sample --project DIR [--run RUN] [--checkpoint C] [--count 64] [--class NAME|ID] [--seed N] --out grid.png
gan-studio sample --model DIR-or-FILE [--count 64] [--class NAME|ID] [--seed N] --out grid.png

Draws --count new images from a trained generator (the latest checkpoint unless named) into one PNG sheet.
Conditional generators draw every class in turn, or only --class.
--model draws from an export instead, without the project: a TF.js model.json or an .onnx file, or the
folder holding one (the metadata.json beside it says the noise size and classes). The same --seed draws
the same images from a checkpoint and from its exports.`;

export async function sampleCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    project: { type: 'string' },
    model: { type: 'string' },
    run: { type: 'string' },
    checkpoint: { type: 'string' },
    count: { type: 'string' },
    class: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    backend: { type: 'string' },
  });
  const out = resolve(requireFlag(values.out, 'out'));
  if (!/\.png$/i.test(out)) throw new UsageError('--out must name a .png file');
  const count = intFlag(values.count, 'count', 1) ?? 64;
  if (count > 4096) throw new UsageError('--count must be at most 4096');
  const seed = intFlag(values.seed, 'seed', 0) ?? Date.now() % 2147483647;
  await initBackend(oneOf(values.backend, 'backend', backendNames));
  if (values.model !== undefined) {
    if (values.project || values.run || values.checkpoint) throw new UsageError('--model draws from an export without a project; leave out --project, --run and --checkpoint');
    return sampleExport(values.model, { count, seed, out, wanted: values.class });
  }
  const projectDir = resolve(requireFlag(values.project, 'project'));
  const { found, file, models } = await withCheckpoint(projectDir, { runId: values.run, checkpointId: values.checkpoint }, async (found) => ({ found, ...(await openGenerator(found.dir)) }));
  const classIds = pickClasses(values.class, file.classes, models.conditional);
  const noise = sampleNoise(seed, count, models.noiseSize);
  const labels = models.conditional ? tf.tensor2d(Float32Array.from({ length: count }, (_, i) => classIds[i % classIds.length]), [count, 1]) : undefined;
  const pixels = await generatePixels(models, noise, labels);
  tf.dispose([noise, labels ?? []]);
  models.generator.dispose();
  const grid = await writeSheet(out, pixels, file.image, count, models.conditional ? classIds.length : 1);
  console.log(`Wrote ${count} samples from ${found.runId}/${found.checkpoint.id} (step ${file.step}, ${file.preset}) to ${out} (${grid.width}x${grid.height}, seed ${seed}).`);
  return 0;
}

/** `sample --model`: the same sheet, drawn by an exported TF.js or ONNX model. */
async function sampleExport(path: string, o: { count: number; seed: number; out: string; wanted: string | undefined }): Promise<number> {
  const exported = await openExportedGenerator(path);
  try {
    const { metadata } = exported;
    const classIds = pickClasses(o.wanted, metadata.classes.map((c) => c.name), metadata.conditional);
    const noise = sampleNoise(o.seed, o.count, metadata.noise.size);
    const values = Float32Array.from(await noise.data());
    noise.dispose();
    const labels = Array.from({ length: o.count }, (_, i) => classIds[i % classIds.length]);
    const pixels = await exported.draw(values, labels, o.count);
    const grid = await writeSheet(o.out, pixels, metadata.image, o.count, metadata.conditional ? classIds.length : 1);
    const kind = exported.kind === 'onnx' ? 'ONNX' : 'TF.js';
    console.log(`Wrote ${o.count} samples from the ${kind} model ${exported.modelFile} (${metadata.preset}, step ${metadata.training.step}) to ${o.out} (${grid.width}x${grid.height}, seed ${o.seed}).`);
    return 0;
  } finally {
    await exported.dispose();
  }
}

/** The noise of a sample sheet, a function of the seed only, so a checkpoint and its exports draw alike. */
const sampleNoise = (seed: number, count: number, size: number) => tf.randomNormal([count, size], 0, 1, 'float32', mixSeed(seed, 0x5a3)) as tf.Tensor2D;

/** One PNG sheet; conditional draws get a column per class drawn, so each row cycles through them. */
async function writeSheet(out: string, pixels: Uint8Array, image: { height: number; width: number; channels: number }, count: number, classesDrawn: number) {
  const cols = classesDrawn > 1 ? classesDrawn : Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const grid = composeGrid(pixels, image, rows, cols);
  await mkdir(dirname(out), { recursive: true });
  await writeGridPng(grid, out);
  return grid;
}

/** Class ids to draw: the one asked for (by name or id), or all of them. */
function pickClasses(wanted: string | undefined, classes: string[], conditional: boolean): number[] {
  if (!conditional) {
    if (wanted !== undefined) throw new UsageError('--class needs a conditional generator (cgan or cdcgan)');
    return [0];
  }
  if (wanted === undefined) return classes.map((_, i) => i);
  const byName = classes.indexOf(wanted);
  const id = byName >= 0 ? byName : Number(wanted);
  if (!Number.isInteger(id) || id < 0 || id >= classes.length) {
    throw new UsageError(`--class must be one of ${classes.map((c, i) => `${i}:${c}`).join(', ')}; got "${wanted}"`);
  }
  return [id];
}
