import type { SampleGrid } from '../../../shared/training.js';

/** Gap between cells, in pixels, drawn in a dark grey so cells read as separate images. */
const GAP = 2;
const GAP_SHADE = 32;

/**
 * Lays out `rows * cols` images (uint8, N x H x W x C, C = 1 or 3) as one RGBA picture,
 * row-major: image r * cols + c goes to row r, column c.
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
          const red = pixels[at];
          rgba[out] = red;
          rgba[out + 1] = c === 1 ? red : pixels[at + 1];
          rgba[out + 2] = c === 1 ? red : pixels[at + 2];
        }
      }
    }
  }
  return { width, height, rows, cols, rgba };
}
