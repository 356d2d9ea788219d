import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { DatasetManifest } from '../../../shared/dataset.js';
import { seededRandom } from '../../../shared/random.js';
import { MAX_FILE_BYTES } from '../../../main/data/decodeImage.js';

const importer = join(import.meta.dirname, '..', 'support', 'importProcess.ts');
/** Root reads any file whatever its permissions: the import then runs as "nobody" so "permission denied" is real. */
const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/** A valid PNG with its IHDR claiming other dimensions (and a correct CRC): a decompression bomb's header. */
function withDimensions(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function flipBits(bytes: Buffer, seed: number, flips: number): Buffer {
  const random = seededRandom(seed);
  const out = Buffer.from(bytes);
  for (let i = 0; i < flips; i++) {
    const at = 16 + Math.floor(random() * (out.length - 16));
    out[at] ^= 1 << Math.floor(random() * 8);
  }
  return out;
}

/**
 * A generated corpus of broken and odd files: every one must come out imported or listed with a
 * reason, none dropped, whatever it is. Expected reasons are checked where the file's fault is
 * certain; bit-flipped files may decode or not, but must be accounted for either way.
 */
test('a corpus of broken and odd files: every file is imported or listed with its reason', async () => {
  const work = await mkdtemp(join(tmpdir(), 'gan-corpus-'));
  const corpus = join(work, 'corpus');
  const project = join(work, 'project');
  const socketServer = createServer();
  try {
    await mkdir(corpus);
    await mkdir(project);
    await chmod(work, 0o755);
    await chmod(project, 0o777);
    const photo = sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 80, b: 20 } } });
    const png = await photo.clone().png().toBuffer();
    const jpeg = await sharp({ create: { width: 48, height: 32, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
    const file = (name: string | Buffer, data: Uint8Array | string) => writeFile(typeof name === 'string' ? join(corpus, name) : Buffer.concat([Buffer.from(corpus + '/'), name]), data);

    // name -> what must be said about it (a RegExp for the skip reason, or 'imported')
    const expect = new Map<string, RegExp | 'imported' | 'either'>();
    const add = async (name: string, data: Uint8Array | string, outcome: RegExp | 'imported' | 'either') => {
      await file(name, data);
      expect.set(name, outcome);
    };
    await add('ok.png', png, 'imported');
    await add('ok.jpg', jpeg, 'imported');
    await add('ok.webp', await photo.clone().webp().toBuffer(), 'imported');
    await add('ok.gif', await photo.clone().gif().toBuffer(), 'imported');
    await add('png named.jpg', png, 'imported');
    await add('ünïcödé ✓.png', png, 'imported');
    await add('truncated.png', png.subarray(0, png.length >> 1), /truncated PNG file/);
    await add('truncated.jpg', jpeg.subarray(0, jpeg.length >> 1), /truncated JPEG file|damaged JPEG/);
    for (let i = 0; i < 12; i++) await add(`bitflip-${i}.${i % 2 ? 'png' : 'jpg'}`, flipBits(i % 2 ? png : jpeg, i, 1 + (i % 4)), 'either');
    await add('zero.png', '', /empty file \(0 bytes\)/);
    await add('notes.png', 'just some text, not a picture\n', /not an image/);
    await add('bomb.png', withDimensions(png, 50_000, 50_000), /image is too large \(50000x50000 pixels/);
    await add('huge.png', '', /over the 256 MB limit/);
    await truncate(join(corpus, 'huge.png'), MAX_FILE_BYTES + 1); // sparse: takes no disk space
    execFileSync('mkfifo', [join(corpus, 'fifo.png')]);
    expect.set('fifo.png', /not a regular file/);
    await new Promise<void>((resolve) => socketServer.listen(join(corpus, 'socket.png'), resolve));
    expect.set('socket.png', /not a regular file/);
    await symlink('/dev/null', join(corpus, 'device-link.png'));
    expect.set('device-link.png', /not a regular file/);
    await symlink(join(corpus, 'ok.png'), join(corpus, 'link.png'));
    expect.set('link.png', 'imported');
    await symlink(join(corpus, 'missing.png'), join(corpus, 'broken-link.png'));
    expect.set('broken-link.png', /broken symbolic link/);
    await symlink(join(corpus, 'loop.png'), join(corpus, 'loop.png'));
    expect.set('loop.png', /symbolic link that loops/);
    await add('denied.png', png, /could not be opened: permission denied/);
    await chmod(join(corpus, 'denied.png'), 0o000);
    await mkdir(join(corpus, 'private'));
    await file('private/inside.png', png);
    await chmod(join(corpus, 'private'), 0o000);
    expect.set('private', /folder could not be read: permission denied/);
    // A name that is not UTF-8 (Latin-1 "café"): imported under its bytes, shown with U+FFFD.
    await file(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x70, 0x6e, 0x67]), png);
    expect.set('caf\ufffd.png', 'imported');
    await add('.DS_Store', 'hidden: ignored by design, never counted', 'either');
    expect.delete('.DS_Store');

    const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', importer, corpus, project], { ...asNobody, cwd: process.cwd() });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d));
      child.stderr.on('data', (d: Buffer) => (output += d));
      child.on('exit', (code) => resolve({ code, output }));
    });
    assert.equal(run.code, 0, run.output);
    const manifest = JSON.parse(await readFile(join(project, 'dataset', 'manifest.json'), 'utf8')) as DatasetManifest;
    const visible = (await readdir(corpus)).filter((n) => !n.startsWith('.'));
    assert.equal(visible.length, expect.size, 'the corpus is what the test made');
    assert.equal(manifest.count + manifest.skipped.length, expect.size, `every file accounted for: ${manifest.count} imported, ${manifest.skipped.length} skipped of ${expect.size}`);

    const skipped = new Map(manifest.skipped.map((s) => [s.path, s.reason]));
    const importedNames = [...expect.keys()].filter((n) => !skipped.has(n));
    for (const [name, outcome] of expect) {
      if (outcome === 'imported') assert.ok(!skipped.has(name), `${name} is imported (skipped: ${skipped.get(name)})`);
      else if (outcome instanceof RegExp) assert.match(skipped.get(name) ?? '(not skipped)', outcome, name);
      if (skipped.has(name)) assert.ok(skipped.get(name)!.length > 10, `${name} has a reason`);
    }
    assert.equal(importedNames.length, manifest.count);
    console.log(`corpus files tried ${expect.size}, accounted for ${manifest.count + manifest.skipped.length} (${manifest.count} imported, ${manifest.skipped.length} skipped with a reason)`);
  } finally {
    socketServer.close();
    await chmod(join(corpus, 'denied.png'), 0o644).catch(() => undefined);
    await chmod(join(corpus, 'private'), 0o755).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
});

test('a file replaced by a FIFO after the scan is skipped at once, not waited on forever', async () => {
  const { importFolder } = await import('../../../main/data/importFolder.js');
  const work = await mkdtemp(join(tmpdir(), 'gan-fifo-'));
  try {
    const folder = join(work, 'pictures');
    await mkdir(folder);
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#345678' } }).png().toBuffer();
    for (const name of ['a.png', 'b.png', 'c.png']) await writeFile(join(folder, name), png);
    let swapped = false;
    const manifest = await importFolder(folder, join(work, 'project'), { size: 8, channels: 'rgb', fit: 'crop' }, {
      onProgress: () => {
        if (swapped) return;
        swapped = true;
        // The first progress call comes after the scan, before any file is opened.
        execFileSync('sh', ['-c', `rm "${join(folder, 'b.png')}" && mkfifo "${join(folder, 'b.png')}"`]);
      },
    });
    assert.equal(manifest.count, 2);
    assert.deepEqual(manifest.skipped.map((s) => s.path), ['b.png']);
    assert.match(manifest.skipped[0].reason, /not a regular file.*replaced since the folder was scanned/);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
