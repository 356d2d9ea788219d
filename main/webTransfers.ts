/**
 * Web mode's file transfers over plain HTTP (a WebSocket message is no way to send a gigabyte):
 * POST /upload streams one dropped picture or zip into an upload (services/uploads.ts), and
 * GET /download sends an export folder as a zip. Both need the access token, like the socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { readdir } from 'node:fs/promises';
import yazl from 'yazl';
import { EXPORT_FORMAT, EXPORT_METADATA_FILE } from '../shared/export.js';
import type { Studio } from './services/studio.js';
import { UploadRefused } from './services/uploads.js';

export const UPLOAD_PATH = '/upload';
export const DOWNLOAD_PATH = '/download';

/**
 * Answers an upload or a download and returns true, or returns false for any other request.
 * `refusal` is the server's check of host, origin and token (an HTTP status line, or null).
 */
export function serveTransfer(request: IncomingMessage, response: ServerResponse, studio: Studio, refusal: () => string | null): boolean {
  const url = new URL(request.url ?? '/', 'http://placeholder');
  if (url.pathname !== UPLOAD_PATH && url.pathname !== DOWNLOAD_PATH) return false;
  const why = refusal();
  if (why) {
    response.setHeader('Connection', 'close');
    response.once('finish', () => request.destroy());
    answer(response, Number(why.slice(0, 3)), why.slice(4));
    return true;
  }
  if (url.pathname === UPLOAD_PATH) void upload(request, response, url, studio);
  else void download(request, response, url, studio);
  return true;
}

async function upload(request: IncomingMessage, response: ServerResponse, url: URL, studio: Studio): Promise<void> {
  if (request.method !== 'POST') return answer(response, 405, 'Send files with POST.');
  const declared = request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length']);
  try {
    const { bytes } = await studio.uploads.receive(url.searchParams.get('upload') ?? '', url.searchParams.get('path') ?? '', request, declared);
    answer(response, 200, JSON.stringify({ bytes }), 'application/json');
  } catch (error) {
    const status = error instanceof UploadRefused ? error.status : 500;
    // The rest of a refused body is not read: the connection closes once the answer is out, so the browser stops sending.
    if (!request.readableEnded) {
      response.setHeader('Connection', 'close');
      response.once('finish', () => request.destroy());
    }
    answer(response, status, (error as Error).message);
  }
}

async function download(request: IncomingMessage, response: ServerResponse, url: URL, studio: Studio): Promise<void> {
  if (request.method !== 'GET') return answer(response, 405, 'Downloads are GET requests.');
  let dir: string;
  try {
    dir = studio.access.check(url.searchParams.get('dir') ?? '', 'Download');
    const metadata = JSON.parse(await readFile(join(dir, EXPORT_METADATA_FILE), 'utf8')) as { format?: unknown };
    if (metadata.format !== EXPORT_FORMAT) throw new Error('not an export');
  } catch {
    return answer(response, 404, 'Only a folder GAN Studio exported can be downloaded.');
  }
  const zip = new yazl.ZipFile();
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const name = basename(dir);
  for (const file of files) {
    const path = join(file.parentPath, file.name);
    zip.addFile(path, `${name}/${relative(dir, path).split('\\').join('/')}`);
  }
  zip.end();
  response.writeHead(200, {
    'Content-Type': 'application/zip',
    'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(`${name}.zip`)}`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  zip.outputStream.pipe(response);
  zip.outputStream.on('error', () => response.destroy());
}

function answer(response: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
  response.end(body);
}
