import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { EXPLORE_PICKS, exploreFields, exploreViews, type ExploreRequest, type ExploreView, type NearestImages } from '../../shared/explore.js';
import { backendNames, type SampleGrid } from '../../shared/training.js';
import { initBackend } from '../engine/backend/initBackend.js';
import { openGenerator } from '../engine/checkpoint/openGenerator.js';
import { exploreCheckpoint } from '../engine/explore/exploreViews.js';
import { writeGridPng } from '../engine/samples/grid.js';
import { withCheckpoint } from '../project/findCheckpoint.js';
import { intFlag, oneOf, parseCommand, requireFlag, UsageError } from './args.js';

export const exploreUsage = `gan-studio explore VIEW --project DIR [--run RUN] [--checkpoint C] [--seed N] [--truncation PSI] [--class NAME|ID] --out FILE.png [--scale 4]

The latent explorer of the Runs screen, writing PNGs. Every view draws from the same ${EXPLORE_PICKS} picks of
noise made from --seed; --pick N names one of them (0-${EXPLORE_PICKS - 1}). --truncation PSI (0-2) scales the
noise towards its mean, 0: PSI 0 draws the mean-noise image, 1 the samples themselves.
VIEW is one of:
  samples     --count N (1-64): the picks to choose from
  walk        --interpolate A,B --steps N (2-64): a spherical walk from pick A to pick B
  directions  --pick N [--directions principal|random] [--count 1-8] [--steps 3-15] [--span S]
              [--offsets a,b,..]: a strip per noise direction through the pick (principal directions
              of G's first layer, or random), and with --offsets the pick moved along them (FILE-moved.png)
  classes     --count N (1-16): conditional generators; the same noise in every class, a row per class
  morph       --pick N --morph FROM,TO (class names or ids) --steps N: the pick while its class
              embedding moves from one class to the other
  nearest     --pick N --k K (1-32): the pick (FILE.png) and its K nearest dataset images by pixels
              (FILE-pixels.png) and by the studio's feature network (FILE-features.png)`;

/** Flags named after the request fields they fill, for error messages. */
const flagOf: Record<string, string> = { psi: '--truncation', classId: '--class', kind: '--directions' };
const flagFor = (view: ExploreView, field: string) => (field === 'from' || field === 'to' ? (view === 'walk' ? '--interpolate' : '--morph') : (flagOf[field] ?? `--${field}`));

export async function exploreCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      project: { type: 'string' },
      run: { type: 'string' },
      checkpoint: { type: 'string' },
      seed: { type: 'string' },
      truncation: { type: 'string' },
      class: { type: 'string' },
      count: { type: 'string' },
      pick: { type: 'string' },
      interpolate: { type: 'string' },
      morph: { type: 'string' },
      steps: { type: 'string' },
      directions: { type: 'string' },
      span: { type: 'string' },
      offsets: { type: 'string' },
      k: { type: 'string' },
      out: { type: 'string' },
      scale: { type: 'string' },
      backend: { type: 'string' },
    },
    true,
  );
  if (positionals.length !== 1) throw new UsageError(`explore takes one view (${exploreViews.join(', ')})`);
  const view = oneOf(positionals[0], 'view', exploreViews) as ExploreView;
  const out = resolve(requireFlag(values.out, 'out'));
  if (!/\.png$/i.test(out)) throw new UsageError('--out must name a .png file');
  const scale = intFlag(values.scale, 'scale', 1) ?? 4;
  if (scale > 16) throw new UsageError('--scale must be at most 16');
  await initBackend(oneOf(values.backend, 'backend', backendNames));

  const projectDir = resolve(requireFlag(values.project, 'project'));
  const found = await withCheckpoint(projectDir, { runId: values.run, checkpointId: values.checkpoint }, async (found) => found);
  const { file, models } = await openGenerator(found.dir);
  models.generator.dispose();
  const classId = (name: string) => {
    const byName = file.classes.indexOf(name);
    const id = byName >= 0 ? byName : Number(name);
    if (!Number.isInteger(id) || id < 0) throw new UsageError(`"${name}" is not a class of this generator (${file.classes.map((c, i) => `${i}:${c}`).join(', ') || 'it has none'})`);
    return id;
  };
  const pair = (flag: string, value: string | undefined, each: (v: string) => number) => {
    if (value === undefined) return {};
    const parts = value.split(',');
    if (parts.length !== 2) throw new UsageError(`--${flag} takes two values separated by a comma, got "${value}"`);
    return { from: each(parts[0].trim()), to: each(parts[1].trim()) };
  };
  const number = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, got "${value}"`);
    return n;
  };
  const raw = {
    seed: number('seed', values.seed),
    psi: number('truncation', values.truncation),
    classId: values.class === undefined ? undefined : classId(values.class),
    count: number('count', values.count),
    pick: number('pick', values.pick),
    steps: number('steps', values.steps),
    kind: values.directions,
    span: number('span', values.span),
    offsets: values.offsets?.split(',').map((v) => number('offsets', v)),
    k: number('k', values.k),
    ...(view === 'walk' ? pair('interpolate', values.interpolate, (v) => number('interpolate', v)!) : {}),
    ...(view === 'morph' ? pair('morph', values.morph, classId) : {}),
  };
  // Only the fields this view reads; a flag it does not use is a mistake worth saying.
  const fields = exploreFields[view] as z.ZodRawShape;
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const unused = Object.keys(given).filter((key) => !(key in fields));
  if (unused.length) throw new UsageError(`the ${view} view does not use ${unused.map((field) => flagFor(view, field)).join(', ')}`);
  const parsed = z.object(fields).strict().safeParse(given);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((issue) => `${flagFor(view, String(issue.path[0]))}: ${issue.message}`).join('; '));
  }
  const request = { view, ...parsed.data } as ExploreRequest;

  await mkdir(dirname(out), { recursive: true });
  const beside = (suffix: string) => out.replace(/\.png$/i, `-${suffix}.png`);
  const written: string[] = [];
  const write = async (grid: SampleGrid, path: string) => {
    await writeGridPng(grid, path, scale);
    written.push(path);
  };
  if (request.view === 'directions') {
    const { strips, moved } = await exploreCheckpoint(found.dir, projectDir, request);
    await write(strips, out);
    if (request.offsets.length) await write(moved, beside('moved'));
  } else if (request.view === 'nearest') {
    const nearest = await exploreCheckpoint(found.dir, projectDir, request);
    await write(nearest.sample, out);
    await write(nearest.pixel.grid, beside('pixels'));
    console.log(`Nearest by pixels (RMS per value): ${describe(nearest.pixel)}`);
    if ('unavailable' in nearest.feature) console.log(`Nearest by features: ${nearest.feature.unavailable}`);
    else {
      await write(nearest.feature.grid, beside('features'));
      console.log(`Nearest by features: ${describe(nearest.feature)}`);
    }
  } else await write(await exploreCheckpoint(found.dir, projectDir, request), out);
  console.log(`Wrote the ${view} view of ${found.runId}/${found.checkpoint.id} (step ${file.step}, ${file.preset}) to ${written.join(', ')}.`);
  return 0;
}

const describe = (set: NearestImages) => set.indices.map((index, i) => `#${index}${set.labels[i] ? ` (${set.labels[i]})` : ''} ${set.distances[i].toFixed(2)}`).join(', ');
