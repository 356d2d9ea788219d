import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import WebSocket from 'ws';
import { channels, requestSchemas, type Channel } from '../../../shared/contract.js';
import { decodeMessage, type ServerMessage } from '../../../shared/wire.js';
import { callChannel, type HandlerTable } from '../../../main/ipc.js';
import { startWebServer, type WebServer } from '../../../main/server.js';
import { anyPath } from '../../../main/services/pathAccess.js';
import { createStudio, type Studio } from '../../../main/services/studio.js';

/**
 * Property-based fuzz of the contract and of the web socket: whatever arrives, every message is
 * answered (or the socket is closed with a code), the server keeps serving, and nothing reaches
 * Object.prototype. The handlers are stubs that echo: what is under test is the boundary.
 */
const echo = Object.fromEntries(channels.map((c) => [c, async (request: unknown) => ({ channel: c, request })])) as unknown as HandlerTable;

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',');
const cleanPrototype = prototypeKeys();
const assertPrototypeUntouched = () => {
  assert.equal(prototypeKeys(), cleanPrototype, 'Object.prototype gained or lost a property');
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
};

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

/** Keys that have polluted prototypes elsewhere, as own JSON keys (JSON.parse makes them own properties). */
const hostileKeys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__');
const hostileObject = fc.tuple(hostileKeys, fc.anything()).map(([key, value]) => JSON.parse(`{${JSON.stringify(key)}: {"polluted": true, "inner": ${safeJson(value)}}}`) as unknown);

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return 'null';
  }
}

/** Payloads for a channel: anything at all, objects with the channel's own field names and wrong values, hostile keys, deep nesting. */
function payloadFor(channel: Channel) {
  const shape = (requestSchemas[channel] as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  const fields = Object.keys(shape);
  const withFields = fields.length
    ? fc.dictionary(fc.constantFrom(...fields), fc.oneof(fc.anything(), hostileObject, fc.integer({ min: 1, max: 3000 }).map((d) => nested(d))), { maxKeys: fields.length })
    : fc.constant({});
  return fc.oneof(fc.anything({ withObjectString: true, withNullPrototype: true, maxDepth: 4 }), withFields, hostileObject, fc.integer({ min: 1, max: 6000 }).map((d) => nested(d)));
}

let tried = 0;
let answered = 0;

test('every channel answers any payload with a Result, and Object.prototype is untouched', async () => {
  for (const channel of channels) {
    await fc.assert(
      fc.asyncProperty(payloadFor(channel), async (payload) => {
        tried++;
        const result = await callChannel(echo, channel, payload);
        assert.equal(typeof result.ok, 'boolean');
        if (!result.ok) assert.equal(typeof result.error, 'string');
        answered++;
        assertPrototypeUntouched();
      }),
      { numRuns: 120 },
    );
  }
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.anything(), fc.integer({ min: 1, max: 6000 }).map((d) => nested(d))), fc.anything(), async (channel, payload) => {
      tried++;
      const result = await callChannel(echo, channel, payload);
      assert.equal(result.ok, false, "not a channel");
      assert.match(result.ok ? '' : result.error, /Unknown channel/);
      answered++;
    }),
    { numRuns: 300 },
  );
  // The probe's message: 5,000 nested arrays as the channel used to get no reply at all.
  const deep = await callChannel(echo, nested(5000), nested(5000));
  assert.deepEqual(deep, { ok: false, error: 'Unknown channel (an array)' });
  tried++;
  answered++;
});

let root: string;
let studio: Studio;
let server: WebServer;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'gan-fuzz-'));
  await mkdir(join(root, 'renderer'));
  await writeFile(join(root, 'renderer', 'index.html'), '<!doctype html><title>GAN Studio</title>');
  studio = await createStudio({ mode: 'web', version: 'fuzz', configDir: join(root, 'config'), projectsDir: join(root, 'projects'), access: anyPath });
  server = await startWebServer({ studio, rendererDir: join(root, 'renderer'), table: echo });
});

after(async () => {
  await server.close();
  await studio.close();
  await rm(root, { recursive: true, force: true });
  console.log(`fuzzed messages tried ${tried}, answered ${answered} (a reply, or the socket closed with a code)`);
});

/** A raw socket that yields the next reply to each frame, or the close code when the server closes it. */
async function rawSocket() {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
  const replies: ServerMessage[] = [];
  let wake: (() => void) | null = null;
  let closeCode: number | null = null;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const message = decodeMessage(isBinary ? new Uint8Array(data) : data.toString()) as ServerMessage;
    if (message.kind === 'reply') replies.push(message);
    wake?.();
  });
  ws.on('close', (code) => {
    closeCode = code;
    wake?.();
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    get open() {
      return closeCode === null;
    },
    async send(frame: string | Buffer): Promise<ServerMessage | { closed: number }> {
      ws.send(frame, { binary: typeof frame !== 'string' });
      const deadline = Date.now() + 10_000;
      while (replies.length === 0 && closeCode === null) {
        if (Date.now() > deadline) throw new Error(`no answer to a ${frame.length}-byte frame: ${String(frame).slice(0, 120)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 200);
        });
      }
      return replies.shift() ?? { closed: closeCode! };
    },
    close: () => ws.close(),
  };
}

/** Frames a window (or an attacker holding the token) could send. */
const frames = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.json().map((j) => j),
  fc.record({ id: fc.oneof(fc.integer(), fc.anything()), channel: fc.oneof(fc.constantFrom(...channels), fc.string()), payload: fc.anything({ maxDepth: 4 }) }).map((m) => safeJson(m)),
  fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('channel', 'payload', 'id')).map(([depth, where]) => `{"id":7,"channel":"getSettings","payload":{},"${where}":${'['.repeat(depth)}${']'.repeat(depth)}}`),
  fc.tuple(fc.constantFrom(...channels), hostileKeys).map(([channel, key]) => `{"id":8,"channel":${JSON.stringify(channel)},"payload":{${JSON.stringify(key)}:{"polluted":true}},${JSON.stringify(key)}:{"polluted":true}}`),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.string({ maxLength: 100 }), fc.uint8Array({ maxLength: 50 })).map(([length, json, tail]) => {
    const head = Buffer.alloc(4);
    head.writeUInt32LE(length);
    return Buffer.concat([head, Buffer.from(json), tail]);
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([start, length]) => {
    const json = Buffer.from(JSON.stringify({ id: 9, channel: 'getSettings', payload: { $bytes: [start, length] } }));
    const head = Buffer.alloc(4);
    head.writeUInt32LE(json.length);
    return Buffer.concat([head, json, Buffer.alloc(8)]);
  }),
);

test('raw socket frames: every frame is answered or the socket closed with a code; the server keeps serving', async () => {
  let socket = await rawSocket();
  const closes: number[] = [];
  await fc.assert(
    fc.asyncProperty(frames, async (frame) => {
      if (!socket.open) socket = await rawSocket();
      tried++;
      const answer = await socket.send(frame);
      if ('closed' in answer) closes.push(answer.closed);
      else assert.equal(answer.kind, 'reply');
      answered++;
      assertPrototypeUntouched();
    }),
    { numRuns: 1500 },
  );
  // Frames over the size limit close the socket with 1009 (message too big); others are answered.
  for (const size of [1024 * 1024 + 1, 8 * 1024 * 1024]) {
    if (!socket.open) socket = await rawSocket();
    tried++;
    const answer = await socket.send(`{"id":1,"channel":"getAppInfo","payload":"${'x'.repeat(size)}"}`);
    assert.deepEqual(answer, { closed: 1009 });
    answered++;
  }
  socket.close();
  const fresh = await rawSocket();
  const info = await fresh.send(JSON.stringify({ id: 1, channel: 'getAppInfo', payload: {} }));
  assert.equal('kind' in info && info.kind === 'reply' && info.result.ok, true, 'the server still serves');
  fresh.close();
  assert.ok(closes.every((code) => code >= 1000), `close codes ${closes.join(',')}`);
});
