import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { channels } from '../../../shared/contract.js';
import { decodeMessage, encodeMessage, type ServerMessage } from '../../../shared/wire.js';
import { startWebServer, type WebServer } from '../../../main/server.js';
import { anyPath } from '../../../main/services/pathAccess.js';
import { createStudio, type Studio } from '../../../main/services/studio.js';

let root: string;
let studio: Studio;
let server: WebServer;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'gan-studio-server-'));
  const rendererDir = join(root, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>GAN Studio</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'secret');
  studio = await createStudio({ mode: 'web', version: 'test', configDir: join(root, 'config'), projectsDir: join(root, 'projects'), access: anyPath });
  server = await startWebServer({ studio, rendererDir });
});

after(async () => {
  await server.close();
  await studio.close();
  await rm(root, { recursive: true, force: true });
});

function get(path: string, host = `127.0.0.1:${server.port}`): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A connected client that collects replies by id and events in order. */
async function connect(query = `token=${server.token}`, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?${query}`, { headers });
  const replies = new Map<number | null, ((m: ServerMessage) => void)[]>();
  const events: ServerMessage[] = [];
  const frames: boolean[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    frames.push(isBinary);
    const message = decodeMessage(isBinary ? new Uint8Array(data) : data.toString()) as ServerMessage;
    if (message.kind === 'event') return void events.push(message);
    replies.get(message.id)?.shift()?.(message);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waitReply = (id: number | null) =>
    new Promise<ServerMessage>((resolve) => replies.set(id, [...(replies.get(id) ?? []), resolve]));
  let nextId = 1;
  return {
    ws,
    events,
    frames,
    call: async (channel: unknown, payload: unknown) => {
      const id = nextId++;
      const reply = waitReply(id);
      ws.send(encodeMessage({ id, channel, payload }));
      return reply;
    },
    sendRaw: async (data: string | Buffer) => {
      const reply = waitReply(null);
      ws.send(data);
      return reply;
    },
  };
}

function refusedStatus(query: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?${query}`, { headers });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
    ws.on('error', () => {});
  });
}

test('the URL is 127.0.0.1 with a long random token', () => {
  assert.match(server.url, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{32}$`));
});

test('serves the built window with a content security policy, and nothing outside it', async () => {
  const page = await get('/');
  assert.equal(page.status, 200);
  assert.match(page.body, /GAN Studio/);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  assert.equal((await get('/assets/app.js')).status, 200);
  assert.equal((await get('/../secret.txt')).status, 404);
  assert.equal((await get('/%2e%2e/secret.txt')).status, 404);
  assert.equal((await get('/assets/../../secret.txt')).status, 404);
  // A page reached under another host name (DNS rebinding) is refused.
  assert.equal((await get('/', 'evil.example:80')).status, 403);
});

test('a WebSocket without the right token, from another origin or host, is refused', async () => {
  assert.equal(await refusedStatus(''), 401);
  assert.equal(await refusedStatus('token=wrong'), 401);
  assert.equal(await refusedStatus(`token=${server.token}x`), 401);
  assert.equal(await refusedStatus(`token=${server.token}`, { Origin: 'http://evil.example' }), 403);
  assert.equal(await refusedStatus(`token=${server.token}`, { Origin: `http://127.0.0.1:${server.port}` }), 101);
});

test('every channel refuses a malformed payload over the socket, and the server keeps serving', async () => {
  const client = await connect();
  for (const channel of channels) {
    const reply = await client.call(channel, 'not an object');
    assert.equal(reply.kind, 'reply');
    if (reply.kind !== 'reply') continue;
    assert.equal(reply.result.ok, false, `${channel} accepted a string payload`);
    if (!reply.result.ok) assert.match(reply.result.error, new RegExp(`^${channel}: request`));
  }
  const garbage = await client.sendRaw('{not json');
  assert.equal(garbage.kind === 'reply' && !garbage.result.ok && /Unreadable message/.test(garbage.result.error), true);
  const noId = await client.sendRaw(JSON.stringify({ channel: 'getAppInfo', payload: {} }));
  assert.equal(noId.kind === 'reply' && !noId.result.ok, true);
  const badBinary = await client.sendRaw(Buffer.from([255, 255, 255, 255, 1]));
  assert.equal(badBinary.kind === 'reply' && !badBinary.result.ok, true);
  const unknown = await client.call('__proto__', {});
  assert.equal(unknown.kind === 'reply' && !unknown.result.ok, true);

  const info = await client.call('getAppInfo', {});
  assert.deepEqual(info, { kind: 'reply', id: info.kind === 'reply' ? info.id : -1, result: { ok: true, value: studio.info } });
  client.ws.close();
});

test('a sample grid reaches every window as one binary frame with its bytes intact', async () => {
  const a = await connect();
  const b = await connect();
  const rgba = Uint8Array.from({ length: 4 * 6 * 4 }, (_, i) => i);
  studio.events.emit('trainingEvent', { type: 'sample', step: 5, epoch: 0, grid: { width: 6, height: 4, rows: 1, cols: 1, rgba } });
  studio.events.emit('trainingEvent', { type: 'paused', step: 5 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  for (const client of [a, b]) {
    assert.equal(client.events.length, 2);
    const [sample, paused] = client.events;
    assert.equal(sample.kind === 'event' && sample.event, 'trainingEvent');
    const grid = (sample as { data: { grid: { rgba: Uint8Array } } }).data.grid;
    assert.ok(grid.rgba instanceof Uint8Array);
    assert.deepEqual([...grid.rgba], [...rgba]);
    assert.deepEqual(client.frames, [true, false], 'the grid travels binary, the small event as text');
    assert.deepEqual((paused as { data: unknown }).data, { type: 'paused', step: 5 });
    client.ws.close();
  }
});

test('a closed window stops receiving and the others carry on', async () => {
  const a = await connect();
  const b = await connect();
  a.ws.terminate();
  await new Promise((resolve) => setTimeout(resolve, 50));
  studio.events.emit('projectChanged', null);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(b.events.length, 1);
  assert.equal((await b.call('getProject', {})).kind, 'reply');
  b.ws.close();
});

test('the wire format round-trips nested bytes and plain values', () => {
  const message = { a: [1, 'two', null, { b: new Uint8Array([1, 2, 3]) }], c: Buffer.from([9, 8]), d: true };
  const frame = encodeMessage(message);
  assert.ok(frame instanceof Uint8Array);
  const back = decodeMessage(frame) as { a: [number, string, null, { b: Uint8Array }]; c: Uint8Array; d: boolean };
  assert.deepEqual([...back.a[3].b], [1, 2, 3]);
  assert.deepEqual([...back.c], [9, 8]);
  assert.equal(back.d, true);
  assert.equal(encodeMessage({ x: 1 }), '{"x":1}');
  assert.throws(() => decodeMessage(new Uint8Array([10, 0, 0, 0, 123])), /shorter/);
});
