import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importBuiltin } from '../../../main/data/builtins/index.js';
import { fashion, DEBIAN_FASHION_DIR, FASHION_CLASSES, FASHION_DIR_ENV } from '../../../main/data/builtins/fashion.js';
import { openDataset, type Dataset } from '../../../main/data/datasetCache.js';
import { projectLayout } from '../../../main/project/layout.js';
import { datasetManifestSchema } from '../../../shared/dataset.js';

let work: string;
let counter = 0;
const project = () => join(work, `p${counter++}`);

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'gan-builtins-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Mean pixel value of each class's images. */
function meanPerClass(dataset: Dataset): number[] {
  const { manifest, images, labels } = dataset;
  const size = manifest.width * manifest.height * manifest.channels;
  const sums = new Array<number>(manifest.classes.length).fill(0);
  for (let i = 0; i < manifest.count; i++) {
    let sum = 0;
    for (let p = i * size; p < (i + 1) * size; p++) sum += images[p];
    sums[labels[i]] += sum / size;
  }
  return sums.map((sum, c) => sum / manifest.classCounts[c]);
}

test('shapes: the same seed gives the same bytes, another seed other bytes; classes are balanced', async () => {
  const first = project();
  const second = project();
  const third = project();
  const manifest = await importBuiltin('shapes', first, { seed: 7 });
  await importBuiltin('shapes', second, { seed: 7 });
  await importBuiltin('shapes', third, { seed: 8 });
  const bytes = async (p: string) => readFile(projectLayout(p).images);
  assert.ok((await bytes(first)).equals(await bytes(second)), 'same seed, same images');
  assert.ok(!(await bytes(first)).equals(await bytes(third)), 'another seed, other images');

  assert.ok(datasetManifestSchema.safeParse(manifest).success);
  assert.deepEqual(manifest.source, { kind: 'builtin', id: 'shapes' });
  assert.deepEqual(manifest.classes, ['circle', 'cross', 'square', 'triangle']);
  assert.equal(manifest.count, 2000);
  assert.deepEqual(manifest.classCounts, [500, 500, 500, 500]);
  assert.equal(manifest.width, 32);
  assert.equal(manifest.channels, 3);
  const dataset = await openDataset(first);
  assert.deepEqual([...dataset.labels.subarray(0, 8)], [0, 1, 2, 3, 0, 1, 2, 3]);

  const small = project();
  const odd = await importBuiltin('shapes', small, { count: 10, size: 20, channels: 'gray' });
  assert.equal(odd.count, 10);
  assert.deepEqual(odd.classCounts, [3, 3, 2, 2]);
  assert.equal(odd.channels, 1);
  assert.equal((await openDataset(small)).images.length, 10 * 20 * 20);
});

/**
 * Two numbers per image, measured inside the shape's bounding box: how much of the box is filled, and how much
 * of the shape lies in the box's top half. A nearest-class-mean classifier on them must tell the classes apart.
 */
function shapeFeatures(pixels: Uint8Array, size: number, channels: number): [number, number] {
  const level = (x: number, y: number) => {
    let max = 0;
    for (let c = 0; c < channels; c++) max = Math.max(max, pixels[(y * size + x) * channels + c]);
    return max;
  };
  let peak = 0;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) peak = Math.max(peak, level(x, y));
  let [x0, y0, x1, y1, lit] = [size, size, -1, -1, 0];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (level(x, y) < peak / 2) continue;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      lit++;
    }
  }
  let top = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) if (level(x, y) >= peak / 2 && y < (y0 + y1 + 1) / 2) top++;
  }
  return [lit / ((x1 - x0 + 1) * (y1 - y0 + 1)), top / lit];
}

test('shapes: the classes are told apart by simple per-image statistics', async () => {
  const p = project();
  await importBuiltin('shapes', p, { count: 800 });
  const { manifest, images, labels } = await openDataset(p);
  const size = manifest.width;
  const bytes = size * size * manifest.channels;
  const features = Array.from({ length: manifest.count }, (_, i) => shapeFeatures(images.subarray(i * bytes, (i + 1) * bytes), size, 3));
  const half = manifest.count / 2;
  const centroids = manifest.classes.map((_, c) => {
    const mine = features.slice(0, half).filter((_, i) => labels[i] === c);
    return [0, 1].map((k) => mine.reduce((sum, f) => sum + f[k], 0) / mine.length);
  });
  let right = 0;
  for (let i = half; i < manifest.count; i++) {
    const distances = centroids.map((m) => (features[i][0] - m[0]) ** 2 + (features[i][1] - m[1]) ** 2);
    if (distances.indexOf(Math.min(...distances)) === labels[i]) right++;
  }
  const accuracy = right / half;
  assert.ok(accuracy > 0.95, `held-out accuracy ${accuracy}`);
});

test('digits: 10 classes 0..9 at 28x28 gray, labels that match the pictures', async () => {
  const p = project();
  const manifest = await importBuiltin('digits', p);
  assert.deepEqual(manifest.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal(manifest.width, 28);
  assert.equal(manifest.height, 28);
  assert.equal(manifest.channels, 1);
  assert.ok(manifest.count >= 9000, `about 10,000 digits, got ${manifest.count}`);
  assert.equal(manifest.classCounts.reduce((a, b) => a + b, 0), manifest.count);
  assert.ok(manifest.classCounts.every((n) => n > 800));
  const dataset = await openDataset(p);
  const counts = new Array(10).fill(0);
  for (const label of dataset.labels) counts[label]++;
  assert.deepEqual(counts, manifest.classCounts);
  // A "1" is a single stroke; a "0" and an "8" use far more ink.
  const ink = meanPerClass(dataset);
  assert.ok(ink[1] < ink[0] * 0.7 && ink[1] < ink[8] * 0.7, `ink per class: ${ink.map((v) => v.toFixed(1))}`);
});

test('digits: resized to another size and to rgb on request, balanced when limited', async () => {
  const p = project();
  const manifest = await importBuiltin('digits', p, { size: 32, channels: 'rgb', count: 50 });
  assert.equal(manifest.count, 50);
  assert.deepEqual(manifest.classCounts, new Array(10).fill(5));
  assert.equal(manifest.width, 32);
  assert.equal(manifest.channels, 3);
  const { images } = await openDataset(p);
  assert.equal(images.length, 50 * 32 * 32 * 3);
  let inked = 0;
  for (let i = 0; i < images.length; i += 3) {
    assert.ok(images[i] === images[i + 1] && images[i] === images[i + 2], 'gray digits in rgb have equal channels');
    if (images[i] > 128) inked++;
  }
  assert.ok(inked > 50 * 32 * 32 * 0.05, 'the digits survived the resize');
});

const fashionInstalled = await access(join(DEBIAN_FASHION_DIR, 'train-images-idx3-ubyte.gz')).then(() => true, () => false);

test('fashion: loads the Debian package with the ten class names', async (t) => {
  if (!fashionInstalled) {
    t.skip(`${DEBIAN_FASHION_DIR} not found (apt-get install dataset-fashion-mnist to run this test)`);
    return;
  }
  const p = project();
  const manifest = await importBuiltin('fashion', p);
  assert.deepEqual(manifest.classes, FASHION_CLASSES);
  assert.equal(manifest.count, 70_000);
  assert.deepEqual(manifest.classCounts, new Array(10).fill(7000));
  assert.equal(manifest.width, 28);
  assert.equal(manifest.channels, 1);
  // A pullover covers most of the square; a sandal is a few straps.
  const ink = meanPerClass(await openDataset(p));
  assert.ok(ink[5] < ink[2] * 0.6, `ink per class: ${ink.map((v) => v.toFixed(1))}`);

  const limited = await importBuiltin('fashion', project(), { count: 1000, size: 16 });
  assert.equal(limited.count, 1000);
  assert.equal(limited.width, 16);
  assert.ok(limited.classCounts.every((n) => n > 50), `a fair sample: ${limited.classCounts}`);
});

test('fashion: a missing install says how to install it, and writes nothing', async () => {
  await assert.rejects(fashion({ dir: join(work, 'not installed') }), /apt-get install dataset-fashion-mnist/);
  const previous = process.env[FASHION_DIR_ENV];
  process.env[FASHION_DIR_ENV] = join(work, 'not installed');
  try {
    const p = project();
    await assert.rejects(importBuiltin('fashion', p), /Fashion-MNIST is not installed.*apt-get install dataset-fashion-mnist/);
    await assert.rejects(openDataset(p), /No dataset/);
  } finally {
    if (previous === undefined) delete process.env[FASHION_DIR_ENV];
    else process.env[FASHION_DIR_ENV] = previous;
  }
});

test('built-ins: cancel rejects with AbortError and leaves no dataset; bad options are refused', async () => {
  const p = project();
  const controller = new AbortController();
  await assert.rejects(
    importBuiltin('digits', p, { size: 32 }, { signal: controller.signal, onProgress: (x) => x.done === 100 && controller.abort() }),
    { name: 'AbortError' },
  );
  await assert.rejects(openDataset(p), /No dataset/);
  assert.deepEqual(await readdir(p).catch(() => []), []);

  await assert.rejects(importBuiltin('shapes', project(), { size: 4 }), /size/);
  await assert.rejects(importBuiltin('shapes', project(), { count: 0 }), /count/);
  await assert.rejects(importBuiltin('cats' as 'shapes', project()), /Unknown built-in dataset "cats"/);
});
