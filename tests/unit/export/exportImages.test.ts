/** Images, sample sheet and latent-walk GIF exports decode to the size and count they state. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../main/engine/backend/initBackend.js';
import { exportCheckpoint } from '../../../main/engine/export/index.js';
import { classFolderNames } from '../../../main/engine/export/images.js';
import { latentLoop, slerp } from '../../../main/engine/export/slerp.js';
import { presetCases, trainCase, TRAINING_BACKEND, type TrainedCase } from './exportFixtures.js';

let work: string;
let conditional: TrainedCase;
let unconditional: TrainedCase;

before(async () => {
  await initBackend(TRAINING_BACKEND);
  work = await mkdtemp(join(tmpdir(), 'gan-export-images-'));
  conditional = await trainCase(presetCases.find((c) => c.preset === 'cgan')!, 2);
  unconditional = await trainCase(presetCases.find((c) => c.preset === 'dcgan')!, 2);
});

after(async () => {
  await Promise.all([conditional?.cleanup(), unconditional?.cleanup(), rm(work, { recursive: true, force: true })]);
});

async function pngInfo(path: string) {
  const { width, height, channels, format } = await sharp(path).metadata();
  return { width, height, channels, format };
}

test('images: N PNGs of the generator size in images/, and a sample sheet', async () => {
  const outDir = join(work, 'plain images');
  const result = await exportCheckpoint(unconditional.checkpointDir, 'images', outDir, { count: 10, seed: 3 });
  const names = await readdir(join(outDir, 'images'));
  assert.deepEqual(names, Array.from({ length: 10 }, (_, i) => `${String(i + 1).padStart(4, '0')}.png`));
  for (const name of names) assert.deepEqual(await pngInfo(join(outDir, 'images', name)), { width: 16, height: 16, channels: 3, format: 'png' });
  // 10 images -> 4 columns x 3 rows of 16 px with 2 px gaps, enlarged 4x for viewing.
  assert.deepEqual(await pngInfo(join(outDir, 'sheet.png')), { width: (4 * 16 + 3 * 2) * 4, height: (3 * 16 + 2 * 2) * 4, channels: 4, format: 'png' });
  assert.equal(result.files.length, 12);
  assert.deepEqual(result.metadata.samples, { seed: 3, count: 10, classes: [], files: 10 });
  assert.match(result.summary, /^Wrote 10 PNG images of 16x16 and a 280x208 sample sheet, seed 3 to /);
});

test('images: a conditional generator gets a folder per class, and the same seed draws the same images', async () => {
  const first = await exportCheckpoint(conditional.checkpointDir, 'images', join(work, 'per class'), { count: 3, seed: 9 });
  assert.deepEqual((await readdir(join(work, 'per class', 'images'))).sort(), ['circle', 'cross', 'square', 'triangle']);
  for (const name of ['circle', 'cross', 'square', 'triangle']) {
    assert.deepEqual(await readdir(join(work, 'per class', 'images', name)), ['0001.png', '0002.png', '0003.png']);
  }
  assert.equal(first.metadata.samples?.files, 12);
  // Sheet: a row per class, a column per image.
  assert.deepEqual(await pngInfo(join(work, 'per class', 'sheet.png')), { width: (3 * 16 + 2 * 2) * 4, height: (4 * 16 + 3 * 2) * 4, channels: 4, format: 'png' });

  // Chosen classes by name and by id; each image is the one the full export drew for that class.
  const chosen = await exportCheckpoint(conditional.checkpointDir, 'images', join(work, 'chosen'), { count: 3, seed: 9, classes: ['square', 1] });
  assert.deepEqual((await readdir(join(work, 'chosen', 'images'))).sort(), ['cross', 'square']);
  assert.deepEqual(chosen.metadata.samples?.classes, [2, 1]);
  for (const name of ['cross', 'square']) {
    for (const file of ['0001.png', '0003.png']) {
      const a = await sharp(join(work, 'per class', 'images', name, file)).raw().toBuffer();
      const b = await sharp(join(work, 'chosen', 'images', name, file)).raw().toBuffer();
      assert.ok(a.equals(b), `${name}/${file} is drawn again from the same seed`);
    }
  }
  await assert.rejects(exportCheckpoint(conditional.checkpointDir, 'images', join(work, 'bad class'), { classes: ['hexagon'] }), /No class "hexagon"; the classes are 0:circle, 1:cross, 2:square, 3:triangle/);
  await assert.rejects(exportCheckpoint(unconditional.checkpointDir, 'images', join(work, 'no classes'), { classes: ['circle'] }), /only for a conditional generator/);
});

test('gif: a looping animation of 48 frames at the stated size, a row per class', async () => {
  const result = await exportCheckpoint(conditional.checkpointDir, 'gif', join(work, 'walk gif'), { count: 3, seed: 4, classes: ['circle', 'triangle'] });
  assert.deepEqual(result.files, ['interpolation.gif', 'metadata.json']);
  const animation = result.metadata.animation!;
  const meta = await sharp(join(work, 'walk gif', 'interpolation.gif'), { animated: true }).metadata();
  assert.equal(meta.format, 'gif');
  assert.equal(meta.pages, 48);
  assert.equal(meta.loop, 0, 'loops forever');
  assert.equal(meta.width, animation.width);
  assert.equal(meta.pageHeight, animation.height);
  // 3 walks x 2 classes of 16 px, 2 px gaps, enlarged 4x.
  assert.deepEqual([animation.width, animation.height], [(3 * 16 + 2 * 2) * 4, (2 * 16 + 2) * 4]);
  assert.deepEqual(meta.delay?.slice(0, 2), [80, 80]);
  assert.equal(animation.frames, 48);
  assert.equal(animation.interpolation, 'slerp');
  assert.deepEqual(result.metadata.samples, { seed: 4, count: 3, classes: [0, 3], files: 1 });
  // The frames move: the first and a middle frame differ.
  const frame = (page: number) => sharp(join(work, 'walk gif', 'interpolation.gif'), { page }).raw().toBuffer();
  assert.ok(!(await frame(0)).equals(await frame(24)));
});

test('gif: an unconditional walk uses the default count from the format list', async () => {
  const result = await exportCheckpoint(unconditional.checkpointDir, 'gif', join(work, 'plain gif'), { seed: 1 });
  assert.equal(result.metadata.samples?.count, 8);
  const meta = await sharp(join(work, 'plain gif', 'interpolation.gif'), { animated: true }).metadata();
  assert.equal(meta.pages, 48);
  // 8 walks -> 3 x 3 grid (the ninth cell stays dark).
  assert.equal(meta.width, (3 * 16 + 2 * 2) * 4);
  const saved = JSON.parse(await readFile(join(work, 'plain gif', 'metadata.json'), 'utf8'));
  assert.equal(saved.animation.file, 'interpolation.gif');
});

test('slerp: ends at its endpoints, keeps the typical length of N(0, I) draws, and loops', () => {
  const a = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.3) * 1.4);
  const b = Float32Array.from({ length: 64 }, (_, i) => Math.cos(i * 0.7) * 1.4);
  const norm = (v: Float32Array) => Math.hypot(...v);
  assert.ok(slerp(a, b, 0).every((v, i) => Math.abs(v - a[i]) < 1e-6));
  assert.ok(slerp(a, b, 1).every((v, i) => Math.abs(v - b[i]) < 1e-6));
  const middle = slerp(a, b, 0.5);
  const straight = a.map((v, i) => (v + b[i]) / 2);
  assert.ok(Math.abs(norm(middle) - (norm(a) + norm(b)) / 2) < 0.15 * norm(a), 'the middle keeps its length');
  assert.ok(norm(straight) < norm(middle) * 0.9, 'a straight line would shrink towards the origin');
  assert.ok(slerp(a, a, 0.3).every((v, i) => Math.abs(v - a[i]) < 1e-5), 'parallel vectors fall back to a straight line');
  const loop = latentLoop([a, b], 5);
  assert.equal(loop.length, 10);
  assert.deepEqual(loop[0], a);
  assert.deepEqual(loop[5], b);
});

test('class folder names are safe on every system and distinct', () => {
  assert.deepEqual(classFolderNames(['cat', 'dog/wolf', 'a:b', 'CAT', '', 'con', 'ünïcode ✓', 'trailing. ']), [
    'cat',
    'dog_wolf',
    'a_b',
    'CAT-3',
    'class-4',
    'class-5',
    'ünïcode ✓',
    'trailing',
  ]);
});

test('images: a grayscale generator writes one-channel PNGs', async () => {
  const gray = await trainCase(presetCases.find((c) => c.channels === 'gray' && c.size === 16)!, 1);
  try {
    const outDir = join(work, 'gray images');
    await exportCheckpoint(gray.checkpointDir, 'images', outDir, { count: 2, seed: 1 });
    assert.deepEqual(await pngInfo(join(outDir, 'images', '0002.png')), { width: 16, height: 16, channels: 1, format: 'png' });
  } finally {
    await gray.cleanup();
  }
});
