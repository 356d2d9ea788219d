import { readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { ExportPreview } from '../../shared/contract.js';
import { EXPORT_METADATA_FILE, exportMetadataSchema } from '../../shared/export.js';

/** Larger pictures are not sent to a window (a long GIF walk); the export still has them on disk. */
const MAX_PREVIEW_BYTES = 16 * 1024 * 1024;

/**
 * The picture an export made, for the Export screen: the sample sheet of an images export, the
 * animation of a gif export; null for model formats and the web page, which have none. Only a
 * folder whose metadata.json says it is an export is read, and only the file it names.
 */
export async function exportPreview(outDir: string): Promise<ExportPreview | null> {
  const dir = resolve(outDir);
  const raw: unknown = JSON.parse(await readFile(join(dir, EXPORT_METADATA_FILE), 'utf8').catch(() => {
    throw new Error(`${dir} holds no GAN Studio export (no ${EXPORT_METADATA_FILE}).`);
  }));
  const parsed = exportMetadataSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${join(dir, EXPORT_METADATA_FILE)} is not an export's metadata.`);
  const metadata = parsed.data;
  const file = metadata.exportFormat === 'images' ? 'sheet.png' : metadata.exportFormat === 'gif' ? metadata.animation?.file : undefined;
  if (!file) return null;
  const path = resolve(dir, file);
  if (relative(dir, path).startsWith('..') || !path.startsWith(dir + sep)) throw new Error(`${file} is outside the export folder.`);
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return null;
  if (info.size > MAX_PREVIEW_BYTES) return null;
  return { file, mime: file.endsWith('.gif') ? 'image/gif' : 'image/png', bytes: new Uint8Array(await readFile(path)) };
}
