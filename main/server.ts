/**
 * Web mode: the built window (dist/renderer) over HTTP and the same contract over a WebSocket,
 * on 127.0.0.1 only. Every WebSocket must present the random access token printed in the URL;
 * Host and Origin are checked too, so another web page (or a DNS-rebinding trick) cannot drive
 * the studio from the user's browser.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { decodeMessage, encodeMessage, type CallMessage, type ServerMessage } from '../shared/wire.js';
import { callChannel, handlersFor, type HandlerTable } from './ipc.js';
import type { Studio } from './services/studio.js';
import type { EventSink } from './services/events.js';
import { serveTransfer } from './webTransfers.js';
import { rendererContentTypes as contentTypes } from './rendererContentTypes.js';

export interface WebServerOptions {
  studio: Studio;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** A fixed token instead of a random one (tests that need a known URL); at least 16 characters. */
  token?: string;
  /** Replaces the handler table (tests). */
  table?: HandlerTable;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
/** Calls from a window are small; a sample grid only ever goes the other way. */
const MAX_CALL_BYTES = 1024 * 1024;
/** A client this far behind stops getting preview frames until it catches up (metrics still flow). */
const SLOW_CLIENT_BYTES = 8 * 1024 * 1024;

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { studio } = options;
  const rendererDir = resolve(options.rendererDir);
  const token = options.token ?? randomBytes(24).toString('base64url');
  if (token.length < 16) throw new Error('The access token must be at least 16 characters.');
  const table = options.table ?? handlersFor(studio);
  let port = options.port ?? 0;
  const allowedHosts = () => new Set([`${HOST}:${port}`, `localhost:${port}`]);

  const http = createServer((request, response) => {
    if (!allowedHosts().has(request.headers.host ?? '')) return refuse(response, 403, 'Unknown host');
    if (serveTransfer(request, response, studio, () => unauthorized(request, token, allowedHosts()))) return;
    void serveFile(rendererDir, request, response);
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CALL_BYTES });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const why = refusal(request, token, allowedHosts());
    if (why) {
      socket.end(`HTTP/1.1 ${why}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveSocket(ws, studio, table));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, HOST, () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Why a WebSocket upgrade is refused (an HTTP status line), or null to accept it. */
function refusal(request: IncomingMessage, token: string, hosts: Set<string>): string | null {
  const url = new URL(request.url ?? '/', 'http://placeholder');
  if (url.pathname !== '/ws') return '404 Not Found';
  return unauthorized(request, token, hosts);
}

/** Why a request that acts on the studio (socket, upload, download) is refused, or null: host, origin and token. */
function unauthorized(request: IncomingMessage, token: string, hosts: Set<string>): string | null {
  const url = new URL(request.url ?? '/', 'http://placeholder');
  if (!hosts.has(request.headers.host ?? '')) return '403 Forbidden';
  const origin = request.headers.origin;
  if (origin !== undefined && !hosts.has(origin.replace(/^http:\/\//, ''))) return '403 Forbidden';
  const given = Buffer.from(url.searchParams.get('token') ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return '401 Unauthorized';
  return null;
}

function serveSocket(ws: WebSocket, studio: Studio, table: HandlerTable): void {
  const send = (message: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    let frame: string | Uint8Array;
    try {
      frame = encodeMessage(message);
    } catch (error) {
      if (message.kind !== 'reply') return;
      frame = encodeMessage({ kind: 'reply', id: message.id, result: { ok: false, error: `The reply could not be encoded: ${(error as Error).message}` } });
    }
    ws.send(frame);
  };
  const sink: EventSink = (event, data) => {
    const isPreview = event === 'trainingEvent' && (data as { type: string }).type === 'sample';
    if (isPreview && ws.bufferedAmount > SLOW_CLIENT_BYTES) return;
    send({ kind: 'event', event, data });
  };
  const unsubscribe = studio.events.subscribe(sink);
  ws.on('message', (data: RawData, isBinary: boolean) => {
    // Every message gets an answer, even one that breaks something unforeseen on the way.
    void answer(data, isBinary)
      .catch((error: unknown): ServerMessage => ({ kind: 'reply', id: null, result: { ok: false, error: `The message could not be handled: ${(error as Error)?.message ?? String(error)}` } }))
      .then(send);
  });
  ws.on('close', unsubscribe);
  ws.on('error', (error) => console.warn(`A web window's connection failed: ${error.message}`));

  async function answer(data: RawData, isBinary: boolean): Promise<ServerMessage> {
    let call: unknown;
    try {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      call = decodeMessage(isBinary ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes.toString('utf8'));
    } catch (error) {
      return { kind: 'reply', id: null, result: { ok: false, error: `Unreadable message: ${(error as Error).message}` } };
    }
    // A CallMessage's fields, each still unchecked: callChannel refuses a bad channel or payload.
    const { id, channel, payload } = (typeof call === 'object' && call !== null ? call : {}) as { [K in keyof CallMessage]?: unknown };
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
      return { kind: 'reply', id: null, result: { ok: false, error: 'A call needs a numeric "id", a "channel" and a "payload".' } };
    }
    return { kind: 'reply', id, result: await callChannel(table, channel, payload) };
  }
}

async function serveFile(root: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 405, 'Method not allowed');
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://placeholder').pathname);
  } catch {
    return refuse(response, 400, 'Bad path');
  }
  const relative = normalize(pathname === '/' ? 'index.html' : pathname.slice(1));
  const file = join(root, relative);
  if (relative.startsWith('..') || relative.includes('\0') || !file.startsWith(root.endsWith(sep) ? root : root + sep)) {
    return refuse(response, 404, 'Not found');
  }
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    if (relative === 'index.html') return refuse(response, 500, 'The window is not built yet: run `npm run build` first.');
    return refuse(response, 404, 'Not found');
  }
  response.writeHead(200, {
    'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': relative === 'index.html' ? 'no-store' : 'max-age=3600',
  });
  if (request.method === 'HEAD') return void response.end();
  createReadStream(file).pipe(response);
}

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  response.end(message);
}
