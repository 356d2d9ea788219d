/**
 * Issue 13, the dataset hand-offs. The StyleGAN zip is read back with the rules of StyleGAN2-ADA's
 * loader (training/dataset.py, ImageFolderDataset over a zip): every name with an image extension,
 * sorted, is an image; each is decoded as PIL would (a grayscale PNG has no channel axis, RGB has
 * 3) and must have the shape of the first; labels come from dataset.json's [file, class] pairs,
 * one per image file, int64, and the label dimension is the highest class + 1. The npz is read as
 * np.load reads it. Where a Python is installed, its zipfile and numpy read the same files.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { DATASET_FORMAT, DATASET_FORMAT_VERSION, type DatasetManifest } from '../../../shared/dataset.js';
import { openDataset, writeDataset } from '../../../main/data/datasetCache.js';
import { ZipWriter } from '../../../main/data/handoff/zipWriter.js';
import { exportHandoff } from '../../../main/engine/export/handoff.js';
import { ensureProject } from '../../../main/project/project.js';
import { findPython, runPython } from '../support/python.js';
import { tinyProject } from '../support/tinyProject.js';
import { parseNpy, readZip } from '../support/zipReader.js';

/** The extensions PIL.Image.EXTENSION lists for the formats StyleGAN datasets use. */
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.bmp', '.gif', '.webp', '.tif', '.tiff']);

interface StyleganView {
  names: string[];
  /** C, H, W of every image. */
  shape: [number, number, number];
  /** Pixels of each image, H x W x C as PIL gives them. */
  pixels: Uint8Array[];
  labels: number[] | null;
  labelDim: number;
  json: { labels: [string, number][] | null; class_names?: string[] };
}

/** What StyleGAN2-ADA's ImageFolderDataset makes of a zip, failing where its asserts would. */
async function loadLikeStylegan(zipPath: string): Promise<StyleganView> {
  const files = await readZip(zipPath);
  const names = [...files.keys()].filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
  assert.ok(names.length > 0, 'No image files found in the specified path');
  let shape: [number, number, number] | undefined;
  const pixels: Uint8Array[] = [];
  for (const name of names) {
    const png = files.get(name)!;
    // PIL's mode from the PNG header: 8-bit grayscale is 'L' (no channel axis, so C = 1), 8-bit RGB is 'RGB'.
    assert.equal(png[24], 8, `${name}: bit depth ${png[24]}, not 8`);
    const channels = { 0: 1, 2: 3 }[png[25]];
    assert.ok(channels, `${name}: PNG colour type ${png[25]} is neither grayscale nor RGB`);
    // sharp would hand a grayscale PNG back as sRGB; PIL keeps its one band.
    const decoder = channels === 1 ? sharp(png).toColourspace('b-w') : sharp(png);
    const { data, info } = await decoder.raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.channels, channels);
    const chw: [number, number, number] = [channels, info.height, info.width];
    shape ??= chw;
    assert.deepEqual(chw, shape, `${name}: every image must have the shape of the first`);
    pixels.push(new Uint8Array(data));
  }
  assert.equal(shape![1], shape![2], 'resolution: images must be square');
  const json = JSON.parse(new TextDecoder().decode(files.get('dataset.json'))) as StyleganView['json'];
  if (json.labels === null) return { names, shape: shape!, pixels, labels: null, labelDim: 0, json };
  const byName = new Map(json.labels);
  const labels = names.map((n) => {
    assert.ok(byName.has(n), `dataset.json has no label for ${n}`);
    return byName.get(n)!;
  });
  assert.ok(labels.every((l) => Number.isInteger(l) && l >= 0), 'labels must be non-negative integers (int64)');
  return { names, shape: shape!, pixels, labels, labelDim: Math.max(...labels) + 1, json };
}

const isPowerOfTwo = (n: number) => n >= 4 && (n & (n - 1)) === 0;

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'gan-handoff-é '));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('StyleGAN dataset zip', () => {
  test('a 16 px RGB labelled dataset: every image and label as the project has them', async () => {
    const project = await tinyProject({ size: 16, count: 40, channels: 'rgb' });
    try {
      const out = join(work, 'rgb', 'data.zip');
      const result = await exportHandoff(project.dir, 'stylegan-dataset', out);
      assert.deepEqual(result.notes.filter((n) => n.includes('resized')), []);
      assert.match(result.notes.at(-1)!, /--data .*data\.zip --cond 1/);
      const view = await loadLikeStylegan(out);
      const { manifest, images, labels } = await openDataset(project.dir);
      assert.equal(view.names.length, 40);
      assert.equal(view.names[0], '00000/img00000000.png');
      assert.deepEqual(view.shape, [3, 16, 16]);
      assert.ok(isPowerOfTwo(view.shape[1]));
      assert.deepEqual(view.labels, Array.from(labels));
      assert.equal(view.labelDim, manifest.classes.length);
      assert.deepEqual(view.json.class_names, manifest.classes);
      const size = 16 * 16 * 3;
      view.pixels.forEach((p, i) => assert.deepEqual(p, images.subarray(i * size, (i + 1) * size), `image ${i} differs from the project's`));
    } finally {
      await project.cleanup();
    }
  });

  test('28 px grayscale is resized to 32 (the next power of two) and says so; --resolution picks another', async () => {
    const project = await tinyProject({ size: 28, count: 12, channels: 'gray' });
    try {
      const out = join(work, 'gray', 'data.zip');
      const result = await exportHandoff(project.dir, 'stylegan-dataset', out);
      assert.match(result.notes[0], /28x28 is not a power of two.*resized to 32x32/);
      const view = await loadLikeStylegan(out);
      assert.deepEqual(view.shape, [1, 32, 32]);
      assert.equal(view.labelDim, 4);
      const small = join(work, 'gray', 'data16.zip');
      await exportHandoff(project.dir, 'stylegan-dataset', small, { resolution: 16 });
      assert.deepEqual((await loadLikeStylegan(small)).shape, [1, 16, 16]);
      await assert.rejects(exportHandoff(project.dir, 'stylegan-dataset', join(work, 'gray', 'bad.zip'), { resolution: 30 }), /power of two/);
    } finally {
      await project.cleanup();
    }
  });

  test('an unlabelled dataset has labels null, so StyleGAN trains it unconditionally', async () => {
    const dir = join(work, 'unlabelled');
    await ensureProject(dir, 'unlabelled');
    const manifest: DatasetManifest = {
      format: DATASET_FORMAT,
      version: DATASET_FORMAT_VERSION,
      name: 'noise',
      source: { kind: 'folder', path: '/nowhere' },
      count: 6,
      width: 8,
      height: 8,
      channels: 3,
      fit: 'crop',
      classes: [],
      classCounts: [],
      skipped: [],
      createdAt: new Date().toISOString(),
    };
    await writeDataset(dir, manifest, Uint8Array.from({ length: 6 * 8 * 8 * 3 }, (_, i) => (i * 37) % 256), new Uint8Array(6));
    const out = join(dir, 'exports', 'data.zip');
    const result = await exportHandoff(dir, 'stylegan-dataset', out);
    assert.doesNotMatch(result.notes.at(-1)!, /--cond/);
    const view = await loadLikeStylegan(out);
    assert.equal(view.labels, null);
    assert.equal(view.labelDim, 0);
    assert.deepEqual(view.shape, [3, 8, 8]);
  });

  test('refuses a name without .zip, a folder, or an existing file without --force; a cancel leaves nothing', async () => {
    const project = await tinyProject({ size: 16, count: 16 });
    try {
      const dir = join(work, 'refusals');
      await mkdir(join(dir, 'folder.zip'), { recursive: true });
      await assert.rejects(exportHandoff(project.dir, 'stylegan-dataset', join(dir, 'data.tar')), /ends in \.zip/);
      await assert.rejects(exportHandoff(project.dir, 'stylegan-dataset', join(dir, 'folder.zip')), /is a folder/);
      const out = join(dir, 'data.zip');
      await writeFile(out, 'mine');
      await assert.rejects(exportHandoff(project.dir, 'stylegan-dataset', out), /already exists.*--force/);
      assert.equal((await stat(out)).size, 4);
      await exportHandoff(project.dir, 'stylegan-dataset', out, { force: true });
      assert.equal((await loadLikeStylegan(out)).names.length, 16);
      const cancelled = join(dir, 'cancelled.zip');
      const abort = new AbortController();
      abort.abort();
      await assert.rejects(exportHandoff(project.dir, 'stylegan-dataset', cancelled, { signal: abort.signal }), { name: 'AbortError' });
      assert.deepEqual((await readdir(dir)).sort(), ['data.zip', 'folder.zip']);
    } finally {
      await project.cleanup();
    }
  });

  test("Python's zipfile reads the zip and its labels", async (t) => {
    const python = await findPython('zipfile');
    if (!python) return t.skip('no python3 here to cross-check with');
    const project = await tinyProject({ size: 16, count: 20 });
    try {
      const out = join(work, 'python', 'data.zip');
      await exportHandoff(project.dir, 'stylegan-dataset', out);
      const script = `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = sorted(n for n in z.namelist() if n.endswith('.png'))
labels = dict(json.load(z.open('dataset.json'))['labels'])
print(json.dumps({'bad': z.testzip(), 'labels': [labels[n] for n in names]}))`;
      const { stdout } = await runPython(python, ['-c', script, out]);
      const { labels } = await openDataset(project.dir);
      assert.deepEqual(JSON.parse(stdout), { bad: null, labels: Array.from(labels) });
    } finally {
      await project.cleanup();
    }
  });
});

describe('zip writer', () => {
  test('70,000 entries (more than a classic zip holds) are read back through the zip64 records', async (t) => {
    const out = join(work, 'many.zip');
    const zip = await ZipWriter.create(out);
    const bytesOf = (i: number) => Uint8Array.of(i & 0xff, i >> 8);
    for (let i = 0; i < 70_000; i++) await zip.add(`${String(i).padStart(5, '0')}.bin`, bytesOf(i));
    await zip.close();
    const files = await readZip(out);
    assert.equal(files.size, 70_000);
    assert.deepEqual(files.get('69999.bin'), bytesOf(69_999));
    const python = await findPython('zipfile');
    if (!python) return t.skip('read back here; no python3 to cross-check with');
    const { stdout } = await runPython(python, ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(len(z.namelist()), list(z.read("69999.bin")))', out]);
    assert.equal(stdout.trim(), `70000 [${bytesOf(69_999).join(', ')}]`);
  });
});

describe('npz dataset', () => {
  test('images uint8 N x H x W x C, labels int64 and class names, as np.load reads them', async (t) => {
    const project = await tinyProject({ size: 16, count: 24, channels: 'rgb' });
    try {
      const out = join(work, 'npz', 'data.npz');
      await exportHandoff(project.dir, 'npz', out);
      const { manifest, images, labels } = await openDataset(project.dir);
      const files = await readZip(out);
      assert.deepEqual([...files.keys()].sort(), ['class_names.npy', 'images.npy', 'labels.npy']);
      const imagesNpy = parseNpy(files.get('images.npy')!);
      assert.equal(imagesNpy.descr, '|u1');
      assert.deepEqual(imagesNpy.shape, [24, 16, 16, 3]);
      assert.deepEqual(imagesNpy.data, images);
      const labelsNpy = parseNpy(files.get('labels.npy')!);
      assert.equal(labelsNpy.descr, '<i8');
      assert.deepEqual(Array.from(new BigInt64Array(labelsNpy.data.slice().buffer), Number), Array.from(labels));
      const namesNpy = parseNpy(files.get('class_names.npy')!);
      assert.equal(namesNpy.descr, `<U${Math.max(...manifest.classes.map((c) => c.length))}`);

      const python = await findPython('numpy');
      if (!python) return t.skip('read back here; no Python with numpy to cross-check with');
      const script = `import json, sys, numpy as np
d = np.load(sys.argv[1])
print(json.dumps({k: [str(d[k].dtype), list(d[k].shape)] for k in d.files} | {'names': d['class_names'].tolist(), 'labels': d['labels'].tolist(), 'sum': int(d['images'].sum(dtype=np.int64))}))`;
      const seen = JSON.parse((await runPython(python, ['-c', script, out])).stdout);
      assert.deepEqual(seen.images, ['uint8', [24, 16, 16, 3]]);
      assert.deepEqual(seen.labels, Array.from(labels));
      assert.deepEqual(seen.names, manifest.classes);
      assert.equal(seen.sum, images.reduce((a, b) => a + b, 0));
    } finally {
      await project.cleanup();
    }
  });
});
