import { extname, join, normalize, resolve, sep } from 'node:path';
import { rendererContentTypes as contentTypes } from '../rendererContentTypes.js';

/** The window's address: the built renderer served from the app:// scheme (never file://). */
export const APP_HOST = 'studio';
export const PAGE_URL = `app://${APP_HOST}/index.html`;

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
