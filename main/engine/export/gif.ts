import gifenc from 'gifenc';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SampleGrid } from '../../../shared/training.js';
import { composeGrid } from '../samples/grid.js';
import { gifFrame } from './gifPalette.js';
import type { ExportContext, FormatOutput } from './context.js';
import { drawPixels, seededNoise } from './draw.js';
import { viewScale } from './images.js';
import { latentLoop } from './slerp.js';

export const GIF_FILE = 'interpolation.gif';
const KEYFRAMES = 4;
const FRAMES_PER_LEG = 12;
const DELAY_MS = 80;

/**
 * interpolation.gif: each cell walks a loop through KEYFRAMES random noise points by spherical
 * interpolation. Conditional generators get a row per chosen class, the columns sharing their
 * walks, so each column shows one "style" drawn as every class.
 */
export async function writeInterpolationGif(ctx: ExportContext): Promise<FormatOutput> {
  const { models, count: paths, seed } = ctx;
  const image = ctx.file.image;
  const classRows = models.conditional ? ctx.classIds : [];
  const cols = models.conditional ? paths : Math.ceil(Math.sqrt(paths));
  const rows = models.conditional ? classRows.length : Math.ceil(paths / cols);
  const cells = rows * cols;
  const walks = Array.from({ length: paths }, (_, p) => {
    const points = seededNoise(seed, p, KEYFRAMES, models.noiseSize);
    const keys = Array.from({ length: KEYFRAMES }, (_, k) => points.subarray(k * models.noiseSize, (k + 1) * models.noiseSize));
    return latentLoop(keys, FRAMES_PER_LEG);
  });
  const frames = KEYFRAMES * FRAMES_PER_LEG;
  const scale = viewScale(image);
  const encoder = gifenc.GIFEncoder();
  let size = { width: 0, height: 0 };
  for (let f = 0; f < frames; f++) {
    ctx.signal?.throwIfAborted();
    ctx.progress('Drawing frames', f, frames);
    const noise = new Float32Array(cells * models.noiseSize);
    const classIds: number[] = [];
    for (let cell = 0; cell < cells; cell++) {
      const path = models.conditional ? cell % cols : Math.min(cell, paths - 1);
      noise.set(walks[path][f], cell * models.noiseSize);
      classIds.push(models.conditional ? classRows[Math.floor(cell / cols)] : 0);
    }
    const pixels = await drawPixels(models, noise, classIds, cells);
    // Cells past the last path of an unconditional grid stay dark rather than repeat a walk.
    if (!models.conditional) pixels.fill(0, paths * image.height * image.width * image.channels);
    const frame = enlarge(composeGrid(pixels, image, rows, cols), scale);
    size = { width: frame.width, height: frame.height };
    const { palette, index } = gifFrame(frame.rgba, image.channels === 1);
    encoder.writeFrame(index, frame.width, frame.height, { palette, delay: DELAY_MS, repeat: 0 });
  }
  ctx.progress('Drawing frames', frames, frames);
  encoder.finish();
  await writeFile(join(ctx.dir, GIF_FILE), encoder.bytes());
  const metadata = {
    ...ctx.base,
    samples: { seed, count: paths, classes: ctx.classIds, files: 1 },
    animation: { file: GIF_FILE, ...size, frames, delayMs: DELAY_MS, keyframes: KEYFRAMES, interpolation: 'slerp' as const, scale },
  };
  const what = models.conditional ? `${paths} walk${paths === 1 ? '' : 's'} x ${rows} class${rows === 1 ? '' : 'es'}` : `${paths} walk${paths === 1 ? '' : 's'}`;
  return { metadata, summary: `${size.width}x${size.height} GIF of ${frames} frames (${what}, slerp through ${KEYFRAMES} points), seed ${seed}` };
}

/** Nearest-neighbour enlargement of an RGBA picture by a whole factor. */
function enlarge(grid: SampleGrid, scale: number): { width: number; height: number; rgba: Uint8Array } {
  if (scale === 1) return grid;
  const width = grid.width * scale;
  const height = grid.height * scale;
  const source = new Uint32Array(grid.rgba.buffer, grid.rgba.byteOffset, grid.width * grid.height);
  const out = new Uint32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / scale) * grid.width;
    for (let x = 0; x < width; x++) out[y * width + x] = source[row + Math.floor(x / scale)];
  }
  return { width, height, rgba: new Uint8Array(out.buffer) };
}
