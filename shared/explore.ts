/**
 * The latent explorer (Runs screen, `gan-studio explore`): what each view asks of a checkpoint's
 * generator and what comes back. The contract (contract.ts) adds the run and checkpoint to each
 * request; the tensor worker (shared/tensorJobs.ts) draws the images.
 *
 * Every view starts from the same noise: `EXPLORE_PICKS` draws of N(0, I) made from `seed`, so a
 * "pick" (an index into them) names one sample in every view. Truncation scales a pick towards the
 * prior's mean, 0: z' = psi * z, so psi = 0 is the mean-noise image and psi = 1 the sample itself.
 */
import { z } from 'zod';
import { SAMPLE_GRID_GAP as GAP, type SampleGrid } from './training.js';

/** How many samples one seed offers to pick from. */
export const EXPLORE_PICKS = 64;
/** At most this many directions get a slider, and at most this many frames make a walk or a morph. */
export const MAX_DIRECTIONS = 8;
export const MAX_STEPS = 64;
/** The farthest a direction slider moves from the sample, in units of the noise's standard deviation. */
export const MAX_SPAN = 6;
export const MAX_NEAREST = 32;
/** The same-noise grid shows at most this many classes (rows). */
export const MAX_CLASS_ROWS = 32;

export const directionKinds = ['principal', 'random'] as const;
export type DirectionKind = (typeof directionKinds)[number];

const seed = z.number().int().min(0).max(2 ** 31 - 1).default(1);
const psi = z.number().min(0, 'ψ must be at least 0').max(2, 'ψ must be at most 2').default(1);
const pick = z.number().int().min(0, 'must be a sample number from 0').max(EXPLORE_PICKS - 1, `must be a sample number up to ${EXPLORE_PICKS - 1}`);
const classId = z.number().int().min(0).max(9999);
const steps = z.number().int().min(2, 'must be at least 2').max(MAX_STEPS, `must be at most ${MAX_STEPS}`);

/** The request fields of each view, without the run and checkpoint. */
export const exploreFields = {
  /** `count` picks at once, to choose from. */
  samples: { seed, psi, classId: classId.optional(), count: z.number().int().min(1).max(EXPLORE_PICKS, `must be at most ${EXPLORE_PICKS}`).default(16) },
  /** A spherical walk from one pick to another in `steps` frames, both ends included. */
  walk: { seed, psi, classId: classId.optional(), from: pick, to: pick, steps: steps.default(9) },
  /**
   * Strips along `count` directions through a pick (each from -span to +span, `steps` frames), and
   * the pick moved by `offsets` (one per direction) along them at once.
   */
  directions: {
    seed,
    psi,
    classId: classId.optional(),
    pick,
    kind: z.enum(directionKinds).default('principal'),
    count: z.number().int().min(1).max(MAX_DIRECTIONS, `must be at most ${MAX_DIRECTIONS}`).default(4),
    steps: z.number().int().min(3, 'must be at least 3').max(15, 'must be at most 15').default(7),
    span: z.number().min(0.1).max(MAX_SPAN, `must be at most ${MAX_SPAN}`).default(3),
    offsets: z.array(z.number().min(-MAX_SPAN).max(MAX_SPAN)).max(MAX_DIRECTIONS).default([]),
  },
  /** Conditional generators: the first `count` picks (columns) drawn in every class (rows), the same noise down each column. */
  classes: { seed, psi, count: z.number().int().min(1).max(16, 'must be at most 16').default(8) },
  /** Conditional generators: one pick drawn while its class embedding moves from one class to another. */
  morph: { seed, psi, pick, from: classId, to: classId, steps: steps.default(9) },
  /** The `k` dataset images nearest to a pick, by pixels and by the studio's feature network. */
  nearest: { seed, psi, classId: classId.optional(), pick, k: z.number().int().min(1, 'must be at least 1').max(MAX_NEAREST, `must be at most ${MAX_NEAREST}`).default(8) },
} as const;

export type ExploreView = keyof typeof exploreFields;
export const exploreViews = Object.keys(exploreFields) as ExploreView[];
const viewSchemas = { samples: z.object(exploreFields.samples), walk: z.object(exploreFields.walk), directions: z.object(exploreFields.directions), classes: z.object(exploreFields.classes), morph: z.object(exploreFields.morph), nearest: z.object(exploreFields.nearest) };
/** A view's request as the engine receives it (validated, defaults filled in), tagged with its view. */
export type ExploreRequestOf<V extends ExploreView> = z.output<(typeof viewSchemas)[V]> & { view: V };
export type ExploreRequest = { [V in ExploreView]: ExploreRequestOf<V> }[ExploreView];

export interface DirectionsResult {
  /** A row per direction, a column per step from -span to +span (the middle column is the pick itself). */
  strips: SampleGrid;
  /** The pick moved by the offsets. */
  moved: SampleGrid;
}

/** Dataset images nearest to a sample, nearest first. */
export interface NearestImages {
  /** One row of the images, nearest first. */
  grid: SampleGrid;
  /** Their positions in the project's dataset. */
  indices: number[];
  /** Pixel distance: root mean square difference per value (0-255); feature distance: Euclidean in the feature network's space. */
  distances: number[];
  /** Their class names; empty for an unlabelled dataset. */
  labels: string[];
}

export interface NearestResult {
  sample: SampleGrid;
  pixel: NearestImages;
  /** By the studio's feature network; `unavailable` says why not (a dataset too small for it). */
  feature: NearestImages | { unavailable: string };
}

export interface ExploreResults {
  samples: SampleGrid;
  walk: SampleGrid;
  directions: DirectionsResult;
  classes: SampleGrid;
  morph: SampleGrid;
  nearest: NearestResult;
}

/** Cell `index` (row-major) of a grid as a grid of its own, for the large view. */
export function gridCell(grid: SampleGrid, index: number): SampleGrid {
  const w = (grid.width - (grid.cols - 1) * GAP) / grid.cols;
  const h = (grid.height - (grid.rows - 1) * GAP) / grid.rows;
  const r = Math.floor(index / grid.cols);
  const c = index % grid.cols;
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const from = ((r * (h + GAP) + y) * grid.width + c * (w + GAP)) * 4;
    rgba.set(grid.rgba.subarray(from, from + w * 4), y * w * 4);
  }
  return { width: w, height: h, rows: 1, cols: 1, rgba };
}
