import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { importFolder } from '../../../main/data/importFolder.js';
import { openDataset } from '../../../main/data/datasetCache.js';
import type { DatasetManifest, ImportOptionsInput as ImportInput } from '../../../shared/dataset.js';

let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'gan-pixels-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Imports one image (as PNG unless given encoded bytes) and returns the pixels the dataset holds for it. */
async function importOne(name: string, image: Buffer, options: ImportInput): Promise<{ pixels: Uint8Array; channels: number; manifest: DatasetManifest }> {
  const folder = join(work, `${name}-in`);
  const project = join(work, `${name}-${options.fit}-${options.channels}-${options.size}${options.background ?? ''}`);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'image.png'), image);
  const manifest = await importFolder(folder, project, options);
  assert.equal(manifest.count, 1);
  const dataset = await openDataset(project);
  return { pixels: dataset.images, channels: manifest.channels, manifest };
}

const raw = (width: number, height: number, channels: 1 | 3 | 4, paint: (x: number, y: number) => number[]) => {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(paint(x, y), (y * width + x) * channels);
  }
  return sharp(data, { raw: { width, height, channels } });
};

const RED = [255, 0, 0];
const GREEN = [0, 255, 0];
const BLUE = [0, 0, 255];

/** 80 x 40: red in the left quarter, green in the middle half, blue in the right quarter. */
const bands = () => raw(80, 40, 3, (x) => (x < 20 ? RED : x < 60 ? GREEN : BLUE)).png().toBuffer();

const at = (pixels: Uint8Array, size: number, x: number, y: number) => [...pixels.subarray((y * size + x) * 3, (y * size + x) * 3 + 3)];
const dominant = (rgb: number[]): 'red' | 'green' | 'blue' | 'black' => {
  if (Math.max(...rgb) < 20) return 'black';
  const i = rgb.indexOf(Math.max(...rgb));
  assert.ok(rgb[i] > 150, `a clear colour, got ${rgb}`);
  return (['red', 'green', 'blue'] as const)[i];
};
const row = (pixels: Uint8Array, size: number, y: number) => Array.from({ length: size }, (_, x) => dominant(at(pixels, size, x, y)));

test('stretch squeezes the whole image into the square', async () => {
  const { pixels } = await importOne('bands', await bands(), { size: 8, channels: 'rgb', fit: 'stretch' });
  for (let y = 0; y < 8; y++) {
    assert.deepEqual(row(pixels, 8, y), ['red', 'red', 'green', 'green', 'green', 'green', 'blue', 'blue'], `row ${y}`);
  }
});

test('crop keeps the centre square and cuts the sides', async () => {
  const { pixels } = await importOne('bands', await bands(), { size: 8, channels: 'rgb', fit: 'crop' });
  for (let y = 0; y < 8; y++) assert.deepEqual(row(pixels, 8, y), new Array(8).fill('green'), `row ${y}`);
});

test('pad keeps the whole image and fills the rest with black', async () => {
  const { pixels } = await importOne('bands', await bands(), { size: 8, channels: 'rgb', fit: 'pad' });
  // 80 x 40 becomes 8 x 4, centred: two black rows above and below.
  for (const y of [0, 1, 6, 7]) assert.deepEqual(row(pixels, 8, y), new Array(8).fill('black'), `row ${y}`);
  for (const y of [2, 3, 4, 5]) {
    assert.deepEqual(row(pixels, 8, y), ['red', 'red', 'green', 'green', 'green', 'green', 'blue', 'blue'], `row ${y}`);
  }
});

test('a solid colour survives the resize exactly, and a gradient stays a gradient', async () => {
  const solid = await raw(37, 23, 3, () => [200, 100, 50]).png().toBuffer();
  const { pixels } = await importOne('solid', solid, { size: 16, channels: 'rgb', fit: 'crop' });
  for (let p = 0; p < 16 * 16; p++) assert.deepEqual([...pixels.subarray(p * 3, p * 3 + 3)], [200, 100, 50], `pixel ${p}`);

  const gradient = await raw(64, 64, 1, (x) => [x * 4]).png().toBuffer();
  const gray = await importOne('gradient', gradient, { size: 16, channels: 'gray', fit: 'stretch' });
  assert.equal(gray.pixels.length, 16 * 16);
  for (let y = 0; y < 16; y++) {
    const line = [...gray.pixels.subarray(y * 16, y * 16 + 16)];
    for (let x = 1; x < 16; x++) assert.ok(line[x] > line[x - 1], `row ${y} rises left to right: ${line}`);
    // Each output column averages four input columns: x*16 + 6 on average.
    for (let x = 1; x < 15; x++) assert.ok(Math.abs(line[x] - (x * 16 + 6)) <= 3, `column ${x}: ${line[x]}`);
  }
});

test('gray gives one channel, rgb three; a gray source in rgb has equal channels', async () => {
  const colour = await raw(10, 10, 3, (x) => (x < 5 ? [255, 0, 0] : [0, 0, 255])).png().toBuffer();
  const gray = await importOne('colour', colour, { size: 10, channels: 'gray', fit: 'stretch' });
  assert.equal(gray.channels, 1);
  assert.equal(gray.pixels.length, 100);
  assert.ok(gray.pixels[0] > gray.pixels[9] + 20, 'red is lighter than blue in gray');
  assert.ok(gray.pixels[0] > 40 && gray.pixels[0] < 220);

  const rgb = await importOne('colour', colour, { size: 10, channels: 'rgb', fit: 'stretch' });
  assert.equal(rgb.channels, 3);
  assert.equal(rgb.pixels.length, 300);
  assert.deepEqual(at(rgb.pixels, 10, 0, 0), [255, 0, 0]);

  const graySource = await raw(12, 12, 1, () => [90]).png().toBuffer();
  const widened = await importOne('graysource', graySource, { size: 8, channels: 'rgb', fit: 'crop' });
  for (let p = 0; p < 64; p++) assert.deepEqual([...widened.pixels.subarray(p * 3, p * 3 + 3)], [90, 90, 90]);
});

test('transparent pixels are laid on white, or the colour chosen, and a 16-bit PNG comes out as 8-bit', async () => {
  // Transparent black, as most drawing programs store a clear background: it must not import as solid black.
  const transparent = await raw(8, 8, 4, (x) => (x < 4 ? [0, 0, 0, 0] : [0, 255, 0, 255])).png().toBuffer();
  const { pixels, manifest } = await importOne('alpha', transparent, { size: 8, channels: 'rgb', fit: 'stretch' });
  assert.deepEqual(at(pixels, 8, 0, 0), [255, 255, 255]);
  assert.deepEqual(at(pixels, 8, 7, 0), [0, 255, 0]);
  assert.equal(manifest.background, '#ffffff');
  assert.equal(manifest.transparentCount, 1, 'the import says how many images had transparent parts');
  const onBlue = await importOne('alpha-blue', transparent, { size: 8, channels: 'rgb', fit: 'stretch', background: '#0000ff' });
  assert.deepEqual(at(onBlue.pixels, 8, 0, 0), [0, 0, 255]);
  const opaque = await importOne('opaque', await bands(), { size: 8, channels: 'rgb', fit: 'stretch' });
  assert.equal(opaque.manifest.transparentCount, 0);

  const deep = await sharp(Buffer.alloc(8 * 8 * 3 * 2, 0x80), { raw: { width: 8, height: 8, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
  const sixteen = await sharp(deep).toColourspace('rgb16').png().toBuffer();
  assert.equal((await sharp(sixteen).metadata()).depth, 'ushort');
  const out = await importOne('deep', sixteen, { size: 8, channels: 'rgb', fit: 'stretch' });
  assert.equal(out.pixels.length, 8 * 8 * 3);
  assert.ok(Math.abs(out.pixels[0] - 0x80) <= 1, `16-bit mid gray is about 128, got ${out.pixels[0]}`);
});

test('a photo with an EXIF orientation is turned upright before resizing', async () => {
  // Stored 20 wide x 10 tall, red left and blue right; orientation 6 means "rotate 90° clockwise to view",
  // which puts red on top and blue at the bottom.
  const stored = await raw(20, 10, 3, (x) => (x < 10 ? RED : BLUE)).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
  const { pixels } = await importOne('exif', stored, { size: 8, channels: 'rgb', fit: 'stretch' });
  assert.deepEqual(row(pixels, 8, 0), new Array(8).fill('red'));
  assert.deepEqual(row(pixels, 8, 7), new Array(8).fill('blue'));
});
