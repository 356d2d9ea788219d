/**
 * Web mode's upload of images from the browser to the machine running the studio (issue 15): the
 * window sends each dropped file (or a .zip) to POST /upload, then asks `importUpload` to import
 * what arrived as it would a folder. The rules are here so the window can say no before sending
 * and the server enforces the same ones.
 */
import { z } from 'zod';

/** Picture formats the import reads (sharp), as file name endings. */
export const uploadImageExtensions = ['png', 'jpg', 'jpeg', 'jpe', 'webp', 'gif', 'tif', 'tiff', 'avif', 'heic', 'heif'] as const;
export const UPLOAD_ARCHIVE_EXTENSION = 'zip';

/** One picture: the import refuses larger files anyway (main/data/decodeImage.ts). */
export const MAX_UPLOAD_IMAGE_BYTES = 512 * 1024 * 1024;
/** Everything one upload sends, archives included, and everything its archives unpack to. */
export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024 * 1024;
/** Files one upload may send or unpack: a dataset, not a disk image. */
export const MAX_UPLOAD_FILES = 200_000;

/** An upload is named by the window with a random id; only such names reach the disk. */
export const uploadIdSchema = z.string().regex(/^[A-Za-z0-9-]{16,64}$/, 'must be an upload id the window made (16-64 letters, digits, dashes)');

const MAX_SEGMENT = 200;
const MAX_DEPTH = 16;

export type UploadRefusal = string;

/**
 * The path a file is stored at inside its upload, from the path the window sent ("faces/cats/1.png"),
 * or why it is refused: no climbing out, no hidden or odd names, only pictures and zip archives.
 */
export function checkUploadPath(path: string): { ok: true; segments: string[] } | { ok: false; reason: UploadRefusal } {
  const segments = path.split('/');
  if (!path || segments.length > MAX_DEPTH) return { ok: false, reason: `"${path.slice(0, 80)}" is not a file path of at most ${MAX_DEPTH} folders` };
  for (const segment of segments) {
    if (!segment || segment === '.' || segment === '..' || segment.startsWith('.')) return { ok: false, reason: `"${path.slice(0, 200)}" has an empty, hidden or parent folder in it` };
    if (segment.length > MAX_SEGMENT || /[\u0000-\u001f\\:*?"<>|]/.test(segment)) return { ok: false, reason: `"${segment.slice(0, 80)}" is not a usable file name` };
  }
  const kind = uploadKind(segments.at(-1)!);
  if (!kind) return { ok: false, reason: `${segments.at(-1)} is neither a picture (${uploadImageExtensions.join(', ')}) nor a .zip` };
  return { ok: true, segments };
}

export function uploadKind(name: string): 'image' | 'archive' | null {
  const extension = name.toLowerCase().split('.').at(-1) ?? '';
  if (name.indexOf('.') <= 0) return null;
  if (extension === UPLOAD_ARCHIVE_EXTENSION) return 'archive';
  return (uploadImageExtensions as readonly string[]).includes(extension) ? 'image' : null;
}

/** The largest a file of this name may be. */
export const maxUploadBytes = (name: string): number => (uploadKind(name) === 'archive' ? MAX_UPLOAD_BYTES : MAX_UPLOAD_IMAGE_BYTES);
