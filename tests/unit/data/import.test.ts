import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { importFolder } from '../../../main/data/importFolder.js';
import { openDataset } from '../../../main/data/datasetCache.js';
import { datasetManifestSchema } from '../../../shared/dataset.js';

let work: string;
let source: string;

/** Solid colours far apart, so each image can be recognised in the dataset after lossy formats and resizing. */
const colours = {
  red: [220, 30, 30],
  green: [30, 200, 40],
  blue: [30, 40, 220],
  yellow: [230, 220, 30],
  magenta: [210, 30, 210],
  cyan: [30, 210, 210],
  white: [240, 240, 240],
  orange: [240, 130, 20],
  gray: [120, 120, 120],
} as const;
type Colour = keyof typeof colours;

const solid = (colour: Colour, width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: colours[colour][0], g: colours[colour][1], b: colours[colour][2] } } });

/** What the folder holds, in the order the dataset must list it (sorted by path, folder by folder). */
const good: { path: string; colour: Colour; label: number }[] = [
  { path: 'cats/a.png', colour: 'red', label: 0 },
  { path: 'cats/b.jpg', colour: 'green', label: 0 },
  { path: 'cats/c.webp', colour: 'blue', label: 0 },
  { path: 'cats/more/d.gif', colour: 'yellow', label: 0 },
  { path: 'dogs and wolves/e.tiff', colour: 'magenta', label: 1 },
  { path: 'dogs and wolves/f.avif', colour: 'cyan', label: 1 },
  { path: 'dogs and wolves/ü photo.png', colour: 'white', label: 1 },
  { path: 'ñandú café/g.png', colour: 'orange', label: 2 },
  { path: 'ñandú café/h.jpeg', colour: 'gray', label: 2 },
];

async function put(path: string, data: Buffer | string): Promise<void> {
  await mkdir(join(source, path, '..'), { recursive: true });
  await writeFile(join(source, path), data);
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'gan-import-'));
  source = join(work, 'my pictures');
  const sizes = [
    [40, 30],
    [100, 80],
    [64, 64],
    [17, 33],
    [300, 200],
    [50, 50],
    [20, 90],
    [128, 16],
    [70, 70],
  ];
  for (const [i, file] of good.entries()) {
    const [w, h] = sizes[i];
    const image = solid(file.colour, w, h);
    const ext = file.path.split('.').pop()!;
    const encoded =
      ext === 'png' ? image.png() : ext === 'jpg' || ext === 'jpeg' ? image.jpeg({ quality: 95 }) : ext === 'webp' ? image.webp({ quality: 95 })
        : ext === 'gif' ? image.gif() : ext === 'tiff' ? image.tiff() : image.avif({ quality: 90 });
    await put(file.path, await encoded.toBuffer());
  }
  const png = await solid('red', 32, 32).png().toBuffer();
  // A PNG signature followed by noise: recognised as PNG, undecodable.
  await put('cats/corrupt.png', Buffer.concat([png.subarray(0, 8), Buffer.from('this is not image data at all, only noise '.repeat(4))]));
  await put('cats/empty.jpg', Buffer.alloc(0));
  await put('cats/notes.txt', 'a shopping list, not a picture\n');
  await put('dogs and wolves/truncated.png', png.subarray(0, Math.floor(png.length * 0.6)));
  // A valid header claiming 100000 x 100000 pixels: must be refused before any decoding.
  const huge = Buffer.from(png);
  huge.writeUInt32BE(100_000, 16);
  huge.writeUInt32BE(100_000, 20);
  await put('ñandú café/huge.png', huge);
  // A class whose only file is unreadable, and images that lie beside the class folders.
  await put('zebras/broken.jpg', Buffer.from('JFIF? no.'));
  await put('loose.png', png);
  // Hidden files and folders are ignored without a word.
  await put('.DS_Store', 'junk');
  await put('cats/.hidden.png', png);
  await put('.thumbnails/t.png', png);
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

const meanColour = (images: Uint8Array, index: number, side: number): number[] => {
  const sums = [0, 0, 0];
  const start = index * side * side * 3;
  for (let p = 0; p < side * side; p++) for (let c = 0; c < 3; c++) sums[c] += images[start + p * 3 + c];
  return sums.map((s) => s / (side * side));
};

test('imports a folder of class subfolders: counts, classes, labels, order and skipped files', async () => {
  const project = join(work, 'project one');
  const progress: number[] = [];
  const manifest = await importFolder(source, project, { size: 16, channels: 'rgb', fit: 'crop' }, {
    onProgress: (p) => progress.push(p.done),
  });

  assert.equal(manifest.count, good.length);
  assert.deepEqual(manifest.classes, ['cats', 'dogs and wolves', 'ñandú café'], 'a class whose every file is unreadable is dropped');
  assert.deepEqual(manifest.classCounts, [4, 3, 2]);
  assert.equal(manifest.width, 16);
  assert.equal(manifest.height, 16);
  assert.equal(manifest.channels, 3);
  assert.deepEqual(manifest.source, { kind: 'folder', path: source });
  assert.equal(manifest.name, 'my pictures');
  assert.ok(datasetManifestSchema.safeParse(manifest).success);

  const reasons = Object.fromEntries(manifest.skipped.map((s) => [s.path, s.reason]));
  assert.deepEqual(Object.keys(reasons).sort(), [
    'cats/corrupt.png',
    'cats/empty.jpg',
    'cats/notes.txt',
    'dogs and wolves/truncated.png',
    'loose.png',
    'zebras/broken.jpg',
    'ñandú café/huge.png',
  ]);
  assert.match(reasons['cats/corrupt.png'], /damaged image: PNG header is corrupt/);
  assert.match(reasons['cats/empty.jpg'], /empty file \(0 bytes\)/);
  assert.match(reasons['cats/notes.txt'], /not an image/);
  assert.match(reasons['dogs and wolves/truncated.png'], /truncated PNG/);
  assert.match(reasons['ñandú café/huge.png'], /too large \(100000x100000 pixels/);
  assert.match(reasons['loose.png'], /outside any class subfolder/);
  assert.match(reasons['zebras/broken.jpg'], /not an image/);
  assert.ok(!manifest.skipped.some((s) => s.path.includes('.DS_Store') || s.path.includes('hidden') || s.path.includes('thumbnails')));

  assert.equal(progress.at(-1), good.length + manifest.skipped.length, 'progress ends with every file handled');

  const dataset = await openDataset(project);
  assert.deepEqual(dataset.manifest, manifest);
  assert.equal(dataset.images.length, good.length * 16 * 16 * 3);
  assert.deepEqual([...dataset.labels], good.map((g) => g.label));
  for (const [i, file] of good.entries()) {
    const mean = meanColour(dataset.images, i, 16);
    const expected = colours[file.colour];
    for (let c = 0; c < 3; c++) {
      assert.ok(Math.abs(mean[c] - expected[c]) < 12, `${file.path}: channel ${c} is ${mean[c].toFixed(1)}, expected about ${expected[c]}`);
    }
  }
  const entries = await readdir(project);
  assert.deepEqual(entries, ['dataset'], 'no staging folder is left behind');
});

test('a flat folder is unlabelled: no classes, every label 0', async () => {
  const flat = join(work, 'flat');
  await mkdir(join(flat, '.cache'), { recursive: true });
  await writeFile(join(flat, 'one.png'), await solid('red', 10, 10).png().toBuffer());
  await writeFile(join(flat, 'two.jpg'), await solid('blue', 30, 10).jpeg().toBuffer());
  await writeFile(join(flat, '.cache', 'x.png'), await solid('blue', 30, 10).png().toBuffer());
  const project = join(work, 'flat-project');
  const manifest = await importFolder(flat, project, { size: 8, channels: 'gray', fit: 'stretch' });
  assert.equal(manifest.count, 2);
  assert.deepEqual(manifest.classes, []);
  assert.deepEqual(manifest.classCounts, []);
  assert.deepEqual(manifest.skipped, []);
  assert.equal(manifest.channels, 1);
  const dataset = await openDataset(project);
  assert.deepEqual([...dataset.labels], [0, 0]);
  assert.equal(dataset.images.length, 2 * 8 * 8);
});

test('an empty folder, a folder of hidden files, and a folder of unreadable files are clear errors', async () => {
  const empty = join(work, 'empty');
  await mkdir(empty);
  await assert.rejects(importFolder(empty, join(work, 'p-empty'), { size: 8, channels: 'rgb', fit: 'crop' }), /is empty/);

  const hidden = join(work, 'hidden only');
  await mkdir(join(hidden, '.git'), { recursive: true });
  await writeFile(join(hidden, '.DS_Store'), 'x');
  await writeFile(join(hidden, '.git', 'a.png'), await solid('red', 4, 4).png().toBuffer());
  await assert.rejects(importFolder(hidden, join(work, 'p-hidden'), { size: 8, channels: 'rgb', fit: 'crop' }), /is empty/);

  const junk = join(work, 'junk');
  await mkdir(junk);
  await writeFile(join(junk, 'a.txt'), 'hello');
  await writeFile(join(junk, 'b.png'), Buffer.alloc(0));
  await assert.rejects(
    importFolder(junk, join(work, 'p-junk'), { size: 8, channels: 'rgb', fit: 'crop' }),
    /No readable image .*all 2 files had to be skipped \(a\.txt: not an image.*b\.png: empty file/,
  );
  await assert.rejects(importFolder(join(work, 'nope'), join(work, 'p-nope'), { size: 8, channels: 'rgb', fit: 'crop' }), /Folder not found/);
  for (const p of ['p-empty', 'p-hidden', 'p-junk', 'p-nope']) {
    await assert.rejects(openDataset(join(work, p)), /No dataset/, `${p} must have no dataset`);
  }
});

test('bad options are refused with the field named', async () => {
  await assert.rejects(importFolder(source, join(work, 'p-opts'), { size: 3, channels: 'rgb', fit: 'crop' }), /size/);
  await assert.rejects(
    importFolder(source, join(work, 'p-opts'), { size: 16, channels: 'cmyk' as 'rgb', fit: 'crop' }),
    /channels/,
  );
});

test('more than 255 class folders is a clear error', async () => {
  const many = join(work, 'many classes');
  const png = await solid('red', 2, 2).png().toBuffer();
  for (let i = 0; i < 256; i++) {
    await mkdir(join(many, `class ${i}`), { recursive: true });
    await writeFile(join(many, `class ${i}`, 'x.png'), png);
  }
  await assert.rejects(importFolder(many, join(work, 'p-many'), { size: 8, channels: 'rgb', fit: 'crop' }), /256 classes; at most 255/);
});

test('an unreadable file or folder is skipped with "permission denied"', async (t) => {
  if (process.getuid?.() === 0) {
    t.skip('running as root, which reads any file whatever its permissions');
    return;
  }
  if (process.platform === 'win32') {
    t.skip('chmod does not remove read access on Windows');
    return;
  }
  const folder = join(work, 'locked');
  await mkdir(folder);
  await writeFile(join(folder, 'ok.png'), await solid('red', 4, 4).png().toBuffer());
  await writeFile(join(folder, 'secret.png'), await solid('red', 4, 4).png().toBuffer());
  await mkdir(join(folder, 'private'));
  await writeFile(join(folder, 'private', 'p.png'), await solid('red', 4, 4).png().toBuffer());
  await chmod(join(folder, 'secret.png'), 0o000);
  await chmod(join(folder, 'private'), 0o000);
  try {
    const manifest = await importFolder(folder, join(work, 'p-locked'), { size: 8, channels: 'rgb', fit: 'crop' });
    assert.equal(manifest.count, 1);
    assert.deepEqual(manifest.skipped, [
      { path: 'private', reason: 'folder could not be read: permission denied' },
      { path: 'secret.png', reason: 'could not be opened: permission denied' },
    ]);
  } finally {
    await chmod(join(folder, 'secret.png'), 0o644);
    await chmod(join(folder, 'private'), 0o755);
  }
});

test('a project kept inside the imported folder does not import itself', async () => {
  const folder = join(work, 'pictures with project');
  await mkdir(join(folder, 'birds'), { recursive: true });
  await writeFile(join(folder, 'birds', 'a.png'), await solid('red', 8, 8).png().toBuffer());
  const project = join(folder, 'my project');
  await mkdir(join(project, 'runs', 'r1'), { recursive: true });
  await writeFile(join(project, 'runs', 'r1', 'samples.png'), await solid('blue', 8, 8).png().toBuffer());
  await importFolder(folder, project, { size: 8, channels: 'rgb', fit: 'crop' });
  const again = await importFolder(folder, project, { size: 8, channels: 'rgb', fit: 'crop' });
  assert.equal(again.count, 1);
  assert.deepEqual(again.classes, ['birds']);
  assert.deepEqual(again.skipped, []);
});
