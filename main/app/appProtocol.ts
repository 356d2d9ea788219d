import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { CONTENT_SECURITY_POLICY } from '../server.js';
import { rendererFile } from './rendererFiles.js';

/**
 * Before the app is ready: app:// is a standard, secure scheme, so the window's page has an origin
 * of its own and none of the extra privileges file:// pages get (the packaged app also turns those
 * off with a fuse).
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the built renderer, and nothing else, under app://studio/. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle('app', async (request) => {
    const file = rendererFile(rendererDir, request.url);
    const body = file ? await readFile(file.path).catch(() => null) : null;
    if (!file || !body) return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    return new Response(body, {
      headers: { 'Content-Type': file.contentType, 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' },
    });
  });
}
