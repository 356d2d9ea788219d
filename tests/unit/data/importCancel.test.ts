import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { importFolder } from '../../../main/data/importFolder.js';
import { openDataset } from '../../../main/data/datasetCache.js';
import { projectLayout } from '../../../main/project/layout.js';

let work: string;
let many: string;
let few: string;
const options = { size: 16, channels: 'rgb', fit: 'crop' } as const;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'gan-cancel-'));
  many = join(work, 'many');
  few = join(work, 'few');
  await mkdir(join(many, 'a'), { recursive: true });
  await mkdir(join(many, 'b'), { recursive: true });
  for (let i = 0; i < 120; i++) {
    const png = await sharp({ create: { width: 48, height: 48, channels: 3, background: { r: i, g: 255 - i, b: 0 } } }).png().toBuffer();
    await writeFile(join(many, i % 2 ? 'a' : 'b', `${String(i).padStart(3, '0')}.png`), png);
  }
  await mkdir(few);
  for (const name of ['x.png', 'y.png']) {
    await writeFile(join(few, name), await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } }).png().toBuffer());
  }
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const snapshot = async (project: string) => {
  const layout = projectLayout(project);
  return Promise.all([layout.manifest, layout.images, layout.labels].map((path) => readFile(path)));
};

test('cancelling an import rejects with AbortError and keeps the previous dataset intact', async () => {
  const project = join(work, 'kept');
  await importFolder(few, project, options);
  const before = await snapshot(project);

  const controller = new AbortController();
  let sawProgress = 0;
  await assert.rejects(
    importFolder(many, project, options, {
      signal: controller.signal,
      onProgress: (p) => {
        sawProgress = p.done;
        if (p.done === 30) controller.abort();
      },
    }),
    (error: Error) => error.name === 'AbortError',
  );
  assert.ok(sawProgress >= 30 && sawProgress < 120, `stopped soon after the cancel (at ${sawProgress})`);
  assert.deepEqual(await snapshot(project), before, 'the previous dataset is byte for byte the same');
  assert.equal((await openDataset(project)).manifest.count, 2);
  assert.deepEqual(await readdir(project), ['dataset'], 'no staging folder left behind');
});

test('cancelling the first import leaves no dataset at all', async () => {
  const project = join(work, 'fresh');
  const controller = new AbortController();
  const importing = importFolder(many, project, options, {
    signal: controller.signal,
    onProgress: (p) => p.done === 5 && controller.abort(new Error('user pressed Cancel')),
  });
  await assert.rejects(importing, { name: 'AbortError' });
  await assert.rejects(openDataset(project), /No dataset/);
  assert.deepEqual(await readdir(project).catch(() => []), [], 'nothing half-written in the project');
});

test('an already-cancelled signal does nothing', async () => {
  const project = join(work, 'never');
  await assert.rejects(importFolder(many, project, options, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  await assert.rejects(openDataset(project), /No dataset/);
});

test('a failed import keeps the previous dataset', async () => {
  const project = join(work, 'kept on failure');
  await importFolder(few, project, options);
  const before = await snapshot(project);
  const junk = join(work, 'junk');
  await mkdir(junk);
  await writeFile(join(junk, 'a.png'), 'not a png');
  await assert.rejects(importFolder(junk, project, options), /No readable image/);
  assert.deepEqual(await snapshot(project), before);
  assert.deepEqual(await readdir(project), ['dataset']);
});

test('a second import replaces the first completely', async () => {
  const project = join(work, 'replaced');
  await importFolder(few, project, options);
  const manifest = await importFolder(many, project, { size: 8, channels: 'gray', fit: 'pad' });
  const dataset = await openDataset(project);
  assert.deepEqual(dataset.manifest, manifest);
  assert.equal(dataset.images.length, 120 * 8 * 8);
  assert.deepEqual(manifest.classes, ['a', 'b']);
  assert.deepEqual(manifest.classCounts, [60, 60]);
  assert.deepEqual(await readdir(project), ['dataset']);
});
