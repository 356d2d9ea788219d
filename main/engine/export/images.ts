import sharp from 'sharp';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { composeGrid, writeGridPng } from '../samples/grid.js';
import type { ExportContext, FormatOutput } from './context.js';
import { DRAW_BATCH, drawPixels, seededNoise } from './draw.js';

export const IMAGES_FOLDER = 'images';
export const SHEET_FILE = 'sheet.png';
const SHEET_COLUMNS = 8;
const SHEET_MAX_CELLS = 64;
/** Sheets and animations are enlarged (nearest neighbour) until a cell is at least this wide. */
const VIEW_CELL = 64;

export const viewScale = (image: { height: number; width: number }): number => Math.max(1, Math.ceil(VIEW_CELL / Math.max(image.height, image.width)));

/**
 * `count` PNG images at the generator's own size, into images/ or, for conditional generators,
 * images/<class name>/ for each chosen class (the class-folder layout GAN Studio and other tools
 * import back as a labelled dataset), and sheet.png, a grid of the first ones (a row per class).
 */
export async function writeImages(ctx: ExportContext): Promise<FormatOutput> {
  const { models, count, seed } = ctx;
  const image = ctx.file.image;
  const { height, width, channels } = image;
  const size = height * width * channels;
  const folders = classFolderNames(ctx.file.classes);
  const groups = models.conditional ? ctx.classIds.map((id) => ({ id, folder: join(IMAGES_FOLDER, folders[id]) })) : [{ id: 0, folder: IMAGES_FOLDER }];
  const total = count * groups.length;
  const digits = Math.max(4, String(count).length);
  const sheetColumns = models.conditional ? Math.min(count, SHEET_COLUMNS) : Math.ceil(Math.sqrt(Math.min(count, SHEET_MAX_CELLS)));
  const sheetRows = models.conditional ? groups.length : Math.ceil(Math.min(count, SHEET_MAX_CELLS) / sheetColumns);
  const sheet = new Uint8Array(sheetRows * sheetColumns * size);
  let done = 0;
  ctx.progress('Drawing images', done, total);
  for (const [row, group] of groups.entries()) {
    await mkdir(join(ctx.dir, group.folder), { recursive: true });
    for (let start = 0; start < count; start += DRAW_BATCH) {
      ctx.signal?.throwIfAborted();
      const n = Math.min(DRAW_BATCH, count - start);
      // One noise stream per class and batch: an image does not change when other classes are chosen.
      const noise = seededNoise(seed, group.id * 1_000_003 + start / DRAW_BATCH, n, models.noiseSize);
      const pixels = await drawPixels(models, noise, new Array<number>(n).fill(group.id), n);
      await Promise.all(
        Array.from({ length: n }, (_, i) => {
          const name = `${String(start + i + 1).padStart(digits, '0')}.png`;
          // sharp writes one-channel raw input as RGB unless told the picture is gray.
          return sharp(pixels.subarray(i * size, (i + 1) * size), { raw: { width, height, channels: channels as 1 | 3 } })
            .toColourspace(channels === 1 ? 'b-w' : 'srgb')
            .png()
            .toFile(join(ctx.dir, group.folder, name));
        }),
      );
      const cells = models.conditional ? Math.max(0, Math.min(n, sheetColumns - start)) : Math.max(0, Math.min(n, sheetRows * sheetColumns - start));
      const at = models.conditional ? row * sheetColumns + start : start;
      if (cells > 0) sheet.set(pixels.subarray(0, cells * size), at * size);
      done += n;
      ctx.progress('Drawing images', done, total);
    }
  }
  const grid = composeGrid(sheet, image, sheetRows, sheetColumns);
  const scale = viewScale(image);
  await writeGridPng(grid, join(ctx.dir, SHEET_FILE), scale);
  const perClass = models.conditional ? ` (${count} for each of ${groups.length} class${groups.length === 1 ? '' : 'es'})` : '';
  return {
    metadata: { ...ctx.base, samples: { seed, count, classes: ctx.classIds, files: total } },
    summary: `${total} PNG images of ${width}x${height}${perClass} and a ${grid.width * scale}x${grid.height * scale} sample sheet, seed ${seed}`,
  };
}

/**
 * Folder names for class names: characters Windows or macOS refuse become "_", and an empty or
 * repeated name gets the class id, so every class has its own folder on every system.
 */
export function classFolderNames(classes: string[]): string[] {
  const used = new Set<string>();
  return classes.map((name, id) => {
    let folder = name.replace(/[<>:"/\\|?*\u0000-\u001f]/g, '_').replace(/[. ]+$/, '').trim();
    if (!folder || /^(con|prn|aux|nul|com\d|lpt\d)$/i.test(folder)) folder = `class-${id}`;
    if (used.has(folder.toLowerCase())) folder = `${folder}-${id}`;
    used.add(folder.toLowerCase());
    return folder;
  });
}
