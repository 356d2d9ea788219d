import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { resolve, dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { backendNames } from '../../shared/training.js';
import { initBackend } from '../engine/backend/initBackend.js';
import { openGenerator } from '../engine/checkpoint/openGenerator.js';
import { mixSeed } from '../engine/models/seeds.js';
import { composeGrid } from '../engine/samples/grid.js';
import { generatePixels } from '../engine/samples/generate.js';
import { findCheckpoint } from '../project/findCheckpoint.js';
import { intFlag, oneOf, parseCommand, requireFlag, UsageError } from './args.js';

export const sampleUsage = `gan-studio sample --project DIR [--run RUN] [--checkpoint C] [--count 64] [--class NAME|ID] [--seed N] --out grid.png

Draws --count new images from a trained generator (the latest checkpoint unless named) into one PNG sheet.
Conditional generators draw every class in turn, or only --class.`;

export async function sampleCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    project: { type: 'string' },
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
  const found = await findCheckpoint(resolve(requireFlag(values.project, 'project')), { runId: values.run, checkpointId: values.checkpoint });
  const { file, models } = await openGenerator(found.dir);
  const classIds = pickClasses(values.class, file.classes, models.conditional);
  const noise = tf.randomNormal([count, models.noiseSize], 0, 1, 'float32', mixSeed(seed, 0x5a3)) as tf.Tensor2D;
  const labels = models.conditional ? tf.tensor2d(Float32Array.from({ length: count }, (_, i) => classIds[i % classIds.length]), [count, 1]) : undefined;
  const pixels = await generatePixels(models, noise, labels);
  tf.dispose([noise, labels ?? []]);
  models.generator.dispose();
  const cols = models.conditional && classIds.length > 1 ? classIds.length : Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const padded = new Uint8Array(rows * cols * file.image.height * file.image.width * file.image.channels);
  padded.set(pixels);
  const grid = composeGrid(padded, file.image, rows, cols);
  await mkdir(dirname(out), { recursive: true });
  await sharp(grid.rgba, { raw: { width: grid.width, height: grid.height, channels: 4 } }).png().toFile(out);
  console.log(`Wrote ${count} samples from ${found.runId}/${found.checkpoint.id} (step ${file.step}, ${file.preset}) to ${out} (${grid.width}x${grid.height}, seed ${seed}).`);
  return 0;
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
