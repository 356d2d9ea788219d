/**
 * Sample grids as pictures: laying images out in one RGBA grid, and the grid's PNG on disk. No
 * TensorFlow.js here, so the main process can read a checkpoint's grid without loading it; drawing
 * a grid from a generator is sampleGrid.ts.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { SAMPLE_GRID_GAP, type SampleGrid } from '../../../shared/training.js';
import { readCheckpointFile } from '../../project/checkpoints.js';

/** Gap between cells drawn in a dark grey, so cells read as separate images. */
const GAP = SAMPLE_GRID_GAP;
const GAP_SHADE = 32;

/** The sample grid's file in a checkpoint folder. */
export const SAMPLES_FILE = 'samples.png';

/**
 * Lays out `rows * cols` images (uint8, N x H x W x C, C = 1 or 3) as one RGBA picture,
 * row-major: image r * cols + c goes to row r, column c. Cells past the end of `pixels` stay black.
 */
export function composeGrid(
  pixels: Uint8Array,
  image: { height: number; width: number; channels: number },
  rows: number,
  cols: number,
): SampleGrid {
  const { height: h, width: w, channels: c } = image;
  const width = cols * w + (cols - 1) * GAP;
  const height = rows * h + (rows - 1) * GAP;
  const rgba = new Uint8Array(width * height * 4).fill(GAP_SHADE);
  for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
  for (let r = 0; r < rows; r++) {
    for (let col = 0; col < cols; col++) {
      const src = (r * cols + col) * h * w * c;
      for (let y = 0; y < h; y++) {
        let out = ((r * (h + GAP) + y) * width + col * (w + GAP)) * 4;
        let at = src + y * w * c;
        for (let x = 0; x < w; x++, out += 4, at += c) {
          const red = pixels[at] ?? 0;
          rgba[out] = red;
          rgba[out + 1] = c === 1 ? red : (pixels[at + 1] ?? 0);
          rgba[out + 2] = c === 1 ? red : (pixels[at + 2] ?? 0);
        }
      }
    }
  }
  return { width, height, rows, cols, rgba };
}

/** Writes a grid as a PNG, each pixel enlarged `scale` times (nearest neighbour, so cells stay crisp). */
export async function writeGridPng(grid: SampleGrid, path: string, scale = 1): Promise<void> {
  let picture = sharp(grid.rgba, { raw: { width: grid.width, height: grid.height, channels: 4 } });
  if (scale !== 1) picture = picture.resize(grid.width * scale, grid.height * scale, { kernel: 'nearest' });
  await picture.png().toFile(path);
}

/** A grid PNG written by writeGridPng (scale 1), as RGBA bytes; rows and columns follow from the size of a cell. */
export async function readGridPng(path: string, cell: { height: number; width: number }): Promise<SampleGrid> {
  const { data, info } = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    rows: Math.max(1, Math.round((info.height + GAP) / (cell.height + GAP))),
    cols: Math.max(1, Math.round((info.width + GAP) / (cell.width + GAP))),
    rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** The sample grid a checkpoint saved when it was written. */
export async function readCheckpointGrid(checkpointDir: string): Promise<SampleGrid> {
  const file = await readCheckpointFile(checkpointDir);
  return readGridPng(join(checkpointDir, SAMPLES_FILE), file.image);
}
