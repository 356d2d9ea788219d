import type { SampleGrid } from '../../../shared/training.js';

/** Puts a grid's RGBA bytes on a canvas at their own size; CSS scales the canvas up crisply. */
export function drawCanvas(target: HTMLCanvasElement | undefined, grid: SampleGrid | null): void {
  if (!target || !grid) return;
  target.width = grid.width;
  target.height = grid.height;
  const context = target.getContext('2d');
  if (!context) return;
  // A clamped view over the same bytes (no copy); grids always arrive in a plain ArrayBuffer.
  const pixels = new Uint8ClampedArray(grid.rgba.buffer as ArrayBuffer, grid.rgba.byteOffset, grid.rgba.byteLength);
  context.putImageData(new ImageData(pixels, grid.width, grid.height), 0, 0);
}
