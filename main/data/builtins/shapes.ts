import { seededRandom } from '../../../shared/random.js';
import type { BuiltinImages } from './builtinImages.js';

export const SHAPE_CLASSES = ['circle', 'cross', 'square', 'triangle'] as const;

export interface ShapesOptions {
  size: number;
  channels: 1 | 3;
  count: number;
  seed: number;
}

export const shapesDefaults: ShapesOptions = { size: 32, channels: 3, count: 2000, seed: 1 };

/**
 * Coloured shapes on a black background, drawn procedurally so a first run needs no download.
 *
 * Classes take turns (image i has class i mod 4), so any count is balanced. Every random draw comes from one
 * seeded generator in a fixed order, so the same seed gives the same images at any channel count: the gray
 * set is the luma of the colour set. Shapes differ in outline and in area (circle > square > cross > triangle),
 * so both a small classifier and per-class pixel statistics tell them apart.
 */
export function shapes(options: Partial<ShapesOptions> = {}): BuiltinImages {
  const { size, channels, count, seed } = { ...shapesDefaults, ...options };
  return {
    name: 'Shapes',
    classes: [...SHAPE_CLASSES],
    count,
    size,
    channels,
    *images() {
      const random = seededRandom(seed);
      for (let i = 0; i < count; i++) {
        const label = i % SHAPE_CLASSES.length;
        yield { pixels: drawShape(label, random, size, channels), label };
      }
    },
  };
}

type Inside = (u: number, v: number) => boolean;

/** Each shape in coordinates centred on the shape and scaled by its radius: the unit square is [-1, 1]². */
const insideOf: Record<(typeof SHAPE_CLASSES)[number], Inside> = {
  circle: (u, v) => u * u + v * v <= 1,
  cross: (u, v) => (Math.abs(u) <= 1 && Math.abs(v) <= 0.3) || (Math.abs(u) <= 0.3 && Math.abs(v) <= 1),
  square: (u, v) => Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8,
  // Apex up at v = -1, base at v = 0.8 spanning u in [-1, 1].
  triangle: (u, v) => v <= 0.8 && Math.abs(u) <= (v + 1) / 1.8,
};

function drawShape(label: number, random: () => number, size: number, channels: 1 | 3): Uint8Array {
  const inside = insideOf[SHAPE_CLASSES[label]];
  const cx = (0.35 + 0.3 * random()) * size;
  const cy = (0.35 + 0.3 * random()) * size;
  const r = (0.2 + 0.1 * random()) * size;
  const [red, green, blue] = brightColour(random);
  const colour = channels === 3 ? [red, green, blue] : [0.299 * red + 0.587 * green + 0.114 * blue];

  // Sub-pixel samples smooth the edges; fewer at large sizes, where an edge pixel matters less.
  const samples = size <= 64 ? 4 : 2;
  const pixels = new Uint8Array(size * size * channels);
  const x0 = Math.max(0, Math.floor(cx - r));
  const x1 = Math.min(size, Math.ceil(cx + r));
  const y0 = Math.max(0, Math.floor(cy - r));
  const y1 = Math.min(size, Math.ceil(cy + r));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const u = (x + (sx + 0.5) / samples - cx) / r;
          const v = (y + (sy + 0.5) / samples - cy) / r;
          if (inside(u, v)) hits++;
        }
      }
      if (hits === 0) continue;
      const coverage = hits / (samples * samples);
      const at = (y * size + x) * channels;
      for (let c = 0; c < channels; c++) pixels[at + c] = Math.round(colour[c] * coverage);
    }
  }
  return pixels;
}

/** A saturated colour bright enough to stand out from the black background in gray as well as in colour. */
function brightColour(random: () => number): [number, number, number] {
  for (;;) {
    const hue = random() * 6;
    const saturation = 0.5 + 0.5 * random();
    const value = 0.75 + 0.25 * random();
    const rgb = hsvToRgb(hue, saturation, value).map((c) => Math.round(c * 255)) as [number, number, number];
    if (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] >= 100) return rgb;
  }
}

function hsvToRgb(hue: number, saturation: number, value: number): [number, number, number] {
  const chroma = value * saturation;
  const second = chroma * (1 - Math.abs((hue % 2) - 1));
  const low = value - chroma;
  const sector = Math.floor(hue) % 6;
  const [r, g, b] = ([
    [chroma, second, 0],
    [second, chroma, 0],
    [0, chroma, second],
    [0, second, chroma],
    [second, 0, chroma],
    [chroma, 0, second],
  ] as const)[sector];
  return [r + low, g + low, b + low];
}
