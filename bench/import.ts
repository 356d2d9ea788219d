import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp, { type Sharp } from 'sharp';
import { importFolder } from '../main/data/importFolder.js';

export interface ImportFigures {
  /** 64x64 PNGs imported at 32x32 rgb (crop), images per second. */
  smallPngPerSec: number;
  /** 256x256 JPEGs imported at 64x64 rgb (crop), images per second. */
  jpeg256PerSec: number;
}

const SMALL_PNGS = 500;
const JPEGS = 200;

/** A picture with smooth shading and some noise, so encoders and decoders do realistic work rather than a flat fill. */
function picture(side: number, seed: number): Buffer {
  const pixels = Buffer.alloc(side * side * 3);
  let state = seed * 2654435761;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      state = (state * 1103515245 + 12345) >>> 0;
      const noise = (state >>> 24) % 32;
      const at = (y * side + x) * 3;
      pixels[at] = (x * 255) / side + noise;
      pixels[at + 1] = (y * 255) / side + noise;
      pixels[at + 2] = ((x + y + seed * 7) * 3) % 256;
    }
  }
  return pixels;
}

async function makeFolder(root: string, count: number, side: number, encode: (image: Sharp) => Sharp, ext: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    const folder = join(root, `class ${i % 4}`);
    await mkdir(folder, { recursive: true });
    const image = sharp(picture(side, i), { raw: { width: side, height: side, channels: 3 } });
    await writeFile(join(folder, `${String(i).padStart(4, '0')}.${ext}`), await encode(image).toBuffer());
  }
}

async function rate(folder: string, project: string, size: number, count: number): Promise<number> {
  const start = performance.now();
  const manifest = await importFolder(folder, project, { size, channels: 'rgb', fit: 'crop' });
  const seconds = (performance.now() - start) / 1000;
  if (manifest.count !== count) throw new Error(`Imported ${manifest.count} of ${count} benchmark images.`);
  return count / seconds;
}

/** Times importFolder (scan, decode, resize, write) on folders it builds in a temp dir; prints nothing. */
export async function benchImport(): Promise<ImportFigures> {
  const work = await mkdtemp(join(tmpdir(), 'gan-bench-import-'));
  try {
    const pngs = join(work, 'pngs');
    const jpegs = join(work, 'jpegs');
    await makeFolder(pngs, SMALL_PNGS, 64, (image) => image.png(), 'png');
    await makeFolder(jpegs, JPEGS, 256, (image) => image.jpeg({ quality: 90 }), 'jpg');
    // A first import pays for loading libvips' codecs; measure the steady state.
    await importFolder(pngs, join(work, 'warm-up'), { size: 32, channels: 'rgb', fit: 'crop' });
    return {
      smallPngPerSec: await rate(pngs, join(work, 'png project'), 32, SMALL_PNGS),
      jpeg256PerSec: await rate(jpegs, join(work, 'jpeg project'), 64, JPEGS),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
