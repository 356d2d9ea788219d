import { extname, join, normalize, resolve, sep } from 'node:path';

/** The window's address: the built renderer served from the app:// scheme (never file://). */
export const APP_HOST = 'studio';
export const PAGE_URL = `app://${APP_HOST}/index.html`;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/**
 * The file inside the renderer folder that an app:// URL names, with its content type; null for
 * any other host, a path that climbs out of the folder, or one that is not a plain file name.
 */
export function rendererFile(rendererDir: string, url: string): { path: string; contentType: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'app:' || parsed.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const relative = normalize(pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, ''));
  const root = resolve(rendererDir);
  const path = join(root, relative);
  if (relative.startsWith('..') || !path.startsWith(root + sep)) return null;
  return { path, contentType: contentTypes[extname(path)] ?? 'application/octet-stream' };
}
