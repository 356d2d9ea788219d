/**
 * Web mode without a shared disk (issue 15): pictures and zip archives sent from the browser to
 * POST /upload are checked and stored, `importUpload` imports them like a folder (subfolders as
 * classes), and GET /download sends an export folder as a zip. Both need the access token.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { callChannel, handlersFor } from '../../../main/ipc.js';
import { startWebServer, type WebServer } from '../../../main/server.js';
import { anyPath } from '../../../main/services/pathAccess.js';
import { createStudio, type Studio } from '../../../main/services/studio.js';
import { UploadRefused, Uploads } from '../../../main/services/uploads.js';
import { Readable } from 'node:stream';
import type { DatasetManifest } from '../../../shared/dataset.js';

let root: string;
let studio: Studio;
let server: WebServer;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'gan-studio-transfers-'));
  const rendererDir = join(root, 'renderer');
  await mkdir(rendererDir, { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>GAN Studio</title>');
  studio = await createStudio({ mode: 'web', version: 'test', configDir: join(root, 'config'), projectsDir: join(root, 'projects'), access: anyPath });
  server = await startWebServer({ studio, rendererDir });
});

after(async () => {
  await server.close();
  await studio.close();
  await rm(root, { recursive: true, force: true });
});

function send(method: string, path: string, body?: Buffer, token = server.token): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const separator = path.includes('?') ? '&' : '?';
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path: `${path}${separator}token=${token}` }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const upload = (id: string, path: string, body: Buffer, token?: string) =>
  send('POST', `/upload?upload=${id}&path=${encodeURIComponent(path)}`, body, token);
const png = (colour: { r: number; g: number; b: number }) => sharp({ create: { width: 12, height: 12, channels: 3, background: colour } }).png().toBuffer();

function zipOf(files: Record<string, Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(files)) zip.addBuffer(data, name);
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

test('uploads are refused without the token, outside their folder, or when they are not pictures', async () => {
  const id = 'a1b2c3d4e5f6a7b8c9d0';
  const red = await png({ r: 255, g: 0, b: 0 });
  assert.equal((await upload(id, 'x.png', red, 'wrong-token-of-enough-length')).status, 401);
  for (const path of ['../escape.png', 'a/../../b.png', '.hidden.png', '/etc/x.png', 'notes.txt', 'run.exe', 'a\\b.png']) {
    const refused = await upload(id, path, red);
    assert.equal(refused.status, 415, `${path}: ${refused.body.toString()}`);
  }
  assert.equal((await upload('short', 'x.png', red)).status, 400);
  await readdir(join(root, 'config', 'uploads', id)).then(
    (entries) => assert.deepEqual(entries, []),
    () => {},
  );
});

test('an upload is cut off at its size limit and leaves nothing behind', async () => {
  const small = new Uploads(join(root, 'small uploads'), { imageBytes: 1000, totalBytes: 1500 });
  const id = 'f00dcafe-0000-4000-8000-0000000000aa';
  await assert.rejects(small.receive(id, 'big.png', Readable.from([Buffer.alloc(600), Buffer.alloc(600)])), (error: UploadRefused) => {
    assert.equal(error.status, 413);
    assert.match(error.message, /big\.png is 1 MB, over the 1 MB this upload still allows/);
    return true;
  });
  await assert.rejects(small.receive(id, 'declared.png', Readable.from([]), 5000), /over the/);
  assert.equal((await small.receive(id, 'a.png', Readable.from([Buffer.alloc(900)]))).bytes, 900);
  // 900 of 1,500 used: the next picture may be 600 bytes at most.
  await assert.rejects(small.receive(id, 'b.png', Readable.from([Buffer.alloc(700)])), /over the/);
  assert.deepEqual((await readdir(join(root, 'small uploads', id, 'uploaded pictures'))).sort(), ['a.png']);
});

test('dropped pictures and a zip are imported like a folder, class folders included, then removed', async () => {
  await callChannel(handlersFor(studio), 'createProject', { path: join(root, 'uploaded') });
  const table = handlersFor(studio);
  const id = 'f00dcafe-0000-4000-8000-000000000001';
  for (let i = 0; i < 3; i++) assert.equal((await upload(id, `pets/cats/${i}.png`, await png({ r: 200, g: 20 * i, b: 0 }))).status, 200);
  const zip = await zipOf({
    'dogs/0.png': await png({ r: 0, g: 0, b: 200 }),
    'dogs/1.png': await png({ r: 0, g: 30, b: 200 }),
    '__MACOSX/dogs/._0.png': Buffer.from('resource fork'),
    'dogs/readme.txt': Buffer.from('not a picture'),
  });
  assert.equal((await upload(id, 'pets/more.zip', zip)).status, 200);
  const imported = await callChannel(table, 'importUpload', { upload: id, options: { size: 8 } });
  assert.ok(imported.ok, JSON.stringify(imported));
  const manifest = imported.value as DatasetManifest;
  assert.equal(manifest.name, 'pets');
  assert.equal(manifest.count, 5);
  assert.deepEqual(manifest.classes, ['cats', 'more']);
  assert.deepEqual(await readdir(join(root, 'config', 'uploads')), [], 'the upload is removed once imported');

  const again = await callChannel(table, 'importUpload', { upload: id, options: {} });
  assert.equal(again.ok, false);
  if (!again.ok) assert.match(again.error, /Nothing arrived for this upload/);
});

test('a zip of one folder imports that folder with its class subfolders', async () => {
  const id = 'f00dcafe-0000-4000-8000-000000000002';
  const zip = await zipOf({
    'faces/happy/0.png': await png({ r: 250, g: 250, b: 0 }),
    'faces/happy/1.png': await png({ r: 240, g: 250, b: 0 }),
    'faces/sad/0.png': await png({ r: 0, g: 0, b: 90 }),
  });
  assert.equal((await upload(id, 'faces.zip', zip)).status, 200);
  const imported = await callChannel(handlersFor(studio), 'importUpload', { upload: id, options: { size: 8 } });
  assert.ok(imported.ok, JSON.stringify(imported));
  const manifest = imported.value as DatasetManifest;
  assert.equal(manifest.name, 'faces');
  assert.deepEqual(manifest.classes, ['happy', 'sad']);
});

test('an export folder downloads as a zip; other folders do not', async () => {
  const exportDir = join(root, 'exports', 'run-001-step-00000004-images');
  await mkdir(join(exportDir, 'images'), { recursive: true });
  await writeFile(join(exportDir, 'metadata.json'), JSON.stringify({ format: 'gan-studio/export', version: 1 }));
  await writeFile(join(exportDir, 'images', '0.png'), await png({ r: 1, g: 2, b: 3 }));
  const response = await send('GET', `/download?dir=${encodeURIComponent(exportDir)}`);
  assert.equal(response.status, 200, response.body.toString());
  assert.equal(response.headers['content-type'], 'application/zip');
  assert.match(String(response.headers['content-disposition']), /run-001-step-00000004-images\.zip/);
  const names = await new Promise<string[]>((resolve, reject) =>
    yauzl.fromBuffer(response.body, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const found: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        found.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(found.sort()));
      zip.readEntry();
    }),
  );
  assert.deepEqual(names, ['run-001-step-00000004-images/images/0.png', 'run-001-step-00000004-images/metadata.json']);

  assert.equal((await send('GET', `/download?dir=${encodeURIComponent(root)}`)).status, 404);
  assert.equal((await send('GET', `/download?dir=${encodeURIComponent(exportDir)}`, undefined, 'wrong-token-of-enough-length')).status, 401);
});
