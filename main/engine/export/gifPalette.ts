import gifenc from 'gifenc';

/**
 * An RGBA picture as a GIF frame's palette and index. Gray pictures keep all 256 levels (the
 * palette is the gray ramp and the index the level itself); colour ones get a 256-colour palette.
 */
export function gifFrame(rgba: Uint8Array, gray: boolean): { palette: number[][]; index: Uint8Array } {
  if (!gray) {
    const palette = gifenc.quantize(rgba, 256);
    return { palette, index: gifenc.applyPalette(rgba, palette) };
  }
  const index = new Uint8Array(rgba.length / 4);
  for (let i = 0; i < index.length; i++) index[i] = rgba[i * 4];
  return { palette: Array.from({ length: 256 }, (_, v) => [v, v, v]), index };
}
