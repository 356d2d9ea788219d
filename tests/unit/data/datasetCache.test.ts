import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, truncate, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataset, writeDataset } from '../../../main/data/datasetCache.js';
import { projectLayout } from '../../../main/project/layout.js';
import { DATASET_FORMAT, DATASET_FORMAT_VERSION, type DatasetManifest } from '../../../shared/dataset.js';

let work: string;
let counter = 0;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'gan-cache-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const manifest = (overrides: Partial<DatasetManifest> = {}): DatasetManifest => ({
  format: DATASET_FORMAT,
  version: DATASET_FORMAT_VERSION,
  name: 'tiny',
  source: { kind: 'folder', path: '/somewhere' },
  count: 3,
  width: 4,
  height: 2,
  channels: 3,
  fit: 'crop',
  classes: ['a', 'b'],
  classCounts: [2, 1],
  skipped: [{ path: 'x.txt', reason: 'not an image' }],
  createdAt: '2024-01-01T00:00:00.000Z',
  ...overrides,
});

/** A project holding the tiny dataset above; images are 0, 1, 2, ... so any shift or loss shows. */
async function tinyProject(): Promise<{ project: string; images: Uint8Array; labels: Uint8Array }> {
  const project = join(work, `p${counter++}`);
  const images = Uint8Array.from({ length: 3 * 4 * 2 * 3 }, (_, i) => i);
  const labels = Uint8Array.from([0, 1, 0]);
  await writeDataset(project, manifest(), images, labels);
  return { project, images, labels };
}

test('writeDataset then openDataset gives back the same bytes and manifest', async () => {
  const { project, images, labels } = await tinyProject();
  const dataset = await openDataset(project);
  assert.deepEqual(dataset.manifest, manifest());
  assert.deepEqual(dataset.images, images);
  assert.deepEqual(dataset.labels, labels);
  assert.deepEqual((await readdir(project)).sort(), ['dataset']);
  assert.deepEqual((await readdir(projectLayout(project).datasetDir)).sort(), ['images.u8', 'labels.u8', 'manifest.json']);
});

test('a truncated or overlong images.u8 is detected', async () => {
  const { project } = await tinyProject();
  const { images } = projectLayout(project);
  await truncate(images, 70);
  await assert.rejects(openDataset(project), /dataset\/images\.u8 is truncated: it holds 70 bytes, but 3 images of 4x2x3 need 72/);
  await appendFile(images, Buffer.alloc(10));
  await assert.rejects(openDataset(project), /dataset\/images\.u8 is larger than its manifest says/);
  await rm(images);
  await assert.rejects(openDataset(project), /dataset\/images\.u8 is missing/);
});

test('a truncated labels.u8 or a label past the classes is detected', async () => {
  const { project } = await tinyProject();
  const { labels } = projectLayout(project);
  await truncate(labels, 2);
  await assert.rejects(openDataset(project), /dataset\/labels\.u8 is truncated/);
  await writeFile(labels, Uint8Array.from([0, 5, 1]));
  await assert.rejects(openDataset(project), /gives image 1 the label 5, but the manifest lists 2 classes/);
});

test('a bad manifest is refused with the reason', async () => {
  const { project } = await tinyProject();
  const path = projectLayout(project).manifest;
  const good = JSON.parse(await readFile(path, 'utf8'));

  await writeFile(path, '{ "format": "gan-studio/dataset", ');
  await assert.rejects(openDataset(project), /manifest\.json is not valid JSON/);

  await writeFile(path, JSON.stringify({ ...good, count: 'three' }));
  await assert.rejects(openDataset(project), /dataset\/manifest\.json is damaged: count/);

  await writeFile(path, JSON.stringify({ ...good, channels: 4 }));
  await assert.rejects(openDataset(project), /channels/);

  await writeFile(path, JSON.stringify({ ...good, version: 99, somethingNew: true }));
  await assert.rejects(openDataset(project), /dataset\/manifest\.json was written by a newer GAN Studio \(dataset format 99; this version reads up to 1\)/);

  await writeFile(path, JSON.stringify({ ...good, format: 'something-else' }));
  await assert.rejects(openDataset(project), /not a GAN Studio dataset manifest/);

  await writeFile(path, JSON.stringify({ ...good, classCounts: [1, 1] }));
  await assert.rejects(openDataset(project), /class counts add up to 2, but count is 3/);

  await writeFile(path, JSON.stringify(good));
  assert.equal((await openDataset(project)).manifest.count, 3);
});

test('a project without a dataset says so', async () => {
  await assert.rejects(openDataset(join(work, 'no such project')), /No dataset .*Import a folder or a built-in dataset first/);
});

test('writeDataset refuses mismatched sizes and leaves the previous dataset', async () => {
  const { project, images } = await tinyProject();
  const before = await readFile(projectLayout(project).images);
  await assert.rejects(writeDataset(project, manifest(), images.subarray(0, 10), Uint8Array.from([0, 1, 0])), /10 image bytes given for 3 images/);
  await assert.rejects(writeDataset(project, manifest(), images, Uint8Array.from([0, 1])), /2 labels given for 3 images/);
  await assert.rejects(writeDataset(project, manifest({ count: 0 }), new Uint8Array(0), new Uint8Array(0)), /count/);
  assert.deepEqual(await readFile(projectLayout(project).images), before);
  assert.deepEqual(await readdir(project), ['dataset'], 'no staging folder left behind');
});

test('a dataset larger than one write chunk round-trips', async () => {
  const project = join(work, 'larger');
  const count = 400; // 4.9 MB: more than the 4 MiB the writer gathers before writing
  const size = 64 * 64 * 3;
  const images = new Uint8Array(count * size);
  for (let i = 0; i < images.length; i++) images[i] = (i * 31 + (i >> 12)) & 255;
  const labels = new Uint8Array(count);
  await writeDataset(project, manifest({ count, width: 64, height: 64, classes: [], classCounts: [] }), images, labels);
  const dataset = await openDataset(project);
  assert.ok(Buffer.from(dataset.images).equals(Buffer.from(images)));
});
