import * as tf from '@tensorflow/tfjs';
import { MAX_CLASS_ROWS, type ExploreRequest, type ExploreRequestOf, type ExploreResults, type ExploreView } from '../../../shared/explore.js';
import type { SampleGrid } from '../../../shared/training.js';
import { openDataset } from '../../data/datasetCache.js';
import { openGenerator, type TrainedGenerator } from '../checkpoint/openGenerator.js';
import { slerp } from '../export/slerp.js';
import { generatePixels } from '../samples/generate.js';
import { composeGrid } from '../samples/grid.js';
import { morphPixels } from './classMorph.js';
import { noiseDirections } from './directions.js';
import { nearestReal } from './nearestReal.js';
import { explorePicks, noiseBatch, truncate } from './picks.js';

/** Cells per row of the explorer's grids and strips. */
const COLUMNS = 8;
const STRIP_COLUMNS = 16;

interface Explored {
  models: TrainedGenerator;
  projectDir: string;
}

/** One view of the latent explorer on a checkpoint's generator (an imported one too: it is stored the same way). */
export async function exploreCheckpoint<R extends ExploreRequest>(checkpointDir: string, projectDir: string, request: R): Promise<ExploreResults[R['view']]> {
  const { models } = await openGenerator(checkpointDir);
  try {
    // The table pairs each view with its own request type; TypeScript cannot follow the view through the lookup.
    const view = views[request.view] as (at: Explored, request: ExploreRequest) => Promise<ExploreResults[ExploreView]>;
    return (await view({ models, projectDir }, request)) as ExploreResults[R['view']];
  } finally {
    models.generator.dispose();
  }
}

const views: { [V in ExploreView]: (at: Explored, request: ExploreRequestOf<V>) => Promise<ExploreResults[V]> } = {
  async samples(at, { seed, psi, classId, count }) {
    const picks = explorePicks(seed, at.models.noiseSize).slice(0, count).map((z) => truncate(z, psi));
    return grid(at, await draw(at, picks, classOf(at, classId)), Math.min(count, COLUMNS));
  },

  async walk(at, { seed, psi, classId, from, to, steps }) {
    const picks = explorePicks(seed, at.models.noiseSize);
    const [a, b] = [truncate(picks[from], psi), truncate(picks[to], psi)];
    const frames = Array.from({ length: steps }, (_, i) => slerp(a, b, i / (steps - 1)));
    return grid(at, await draw(at, frames, classOf(at, classId)), Math.min(steps, STRIP_COLUMNS));
  },

  async directions(at, { seed, psi, classId, pick, kind, count, steps, span, offsets }) {
    const { generator, noiseSize } = at.models;
    const z = truncate(explorePicks(seed, noiseSize)[pick], psi);
    const directions = noiseDirections(generator, noiseSize, kind, count, seed);
    if (offsets.length > directions.length) throw new Error(`${offsets.length} offsets for ${directions.length} directions: give at most one per direction.`);
    const along = (point: Float32Array, direction: Float32Array, amount: number) => point.map((v, i) => v + amount * direction[i]);
    const strip = directions.flatMap((d) => Array.from({ length: steps }, (_, s) => along(z, d, -span + (2 * span * s) / (steps - 1))));
    const moved = offsets.reduce((point: Float32Array, amount: number, d: number) => along(point, directions[d], amount), z);
    const label = classOf(at, classId);
    return { strips: grid(at, await draw(at, strip, label), steps), moved: grid(at, await draw(at, [moved], label), 1) };
  },

  async classes(at, { seed, psi, count }) {
    const rows = Math.min(conditionalClasses(at, 'drawn in every class'), MAX_CLASS_ROWS);
    const picks = explorePicks(seed, at.models.noiseSize).slice(0, count).map((z) => truncate(z, psi));
    const noise = Array.from({ length: rows }, () => picks).flat();
    const labels = noise.map((_, i) => Math.floor(i / count));
    return grid(at, await draw(at, noise, labels), count);
  },

  async morph(at, { seed, psi, pick, from, to, steps }) {
    const classes = conditionalClasses(at, 'morphed');
    for (const id of [from, to]) if (id >= classes) throw new Error(`There is no class ${id}: this generator draws ${classes} classes (0 to ${classes - 1}).`);
    const z = truncate(explorePicks(seed, at.models.noiseSize)[pick], psi);
    const noise = noiseBatch(Array.from({ length: steps }, () => z));
    try {
      return grid(at, await morphPixels(at.models, noise, from, to), Math.min(steps, STRIP_COLUMNS));
    } finally {
      noise.dispose();
    }
  },

  async nearest(at, { seed, psi, classId, pick, k }) {
    const z = truncate(explorePicks(seed, at.models.noiseSize)[pick], psi);
    const sample = await draw(at, [z], classOf(at, classId));
    const dataset = await openDataset(at.projectDir);
    return { sample: grid(at, sample, 1), ...(await nearestReal(at.projectDir, dataset, sample, k)) };
  },
};

/** Draws noise vectors (in one batch) with one class for all, a class per vector, or none. */
async function draw(at: Explored, noise: Float32Array[], labels: number | number[] | undefined): Promise<Uint8Array> {
  const z = noiseBatch(noise);
  const ids = labels === undefined ? undefined : typeof labels === 'number' ? noise.map(() => labels) : labels;
  const classes = ids ? tf.tensor2d(Float32Array.from(ids), [ids.length, 1]) : undefined;
  try {
    return await generatePixels(at.models, z, classes);
  } finally {
    tf.dispose([z, classes ?? []]);
  }
}

function grid(at: Explored, pixels: Uint8Array, cols: number): SampleGrid {
  const { height, width, channels } = at.models.shape;
  const count = pixels.length / (height * width * channels);
  return composeGrid(pixels, at.models.shape, Math.ceil(count / cols), cols);
}

/** The class to draw: the one asked for (class 0 unless named) for a conditional generator, none otherwise. */
function classOf(at: Explored, classId: number | undefined): number | undefined {
  if (!at.models.conditional) {
    if (classId !== undefined) throw new Error('This generator is not conditional: it has no classes to choose from.');
    return undefined;
  }
  const id = classId ?? 0;
  const classes = at.models.shape.classes;
  if (id >= classes) throw new Error(`There is no class ${id}: this generator draws ${classes} classes (0 to ${classes - 1}).`);
  return id;
}

function conditionalClasses(at: Explored, what: string): number {
  if (!at.models.conditional) throw new Error(`This generator is not conditional: it has no classes its samples could be ${what}.`);
  return at.models.shape.classes;
}
