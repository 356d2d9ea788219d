import gifenc from 'gifenc';
import sharp from 'sharp';
import { gifFrame } from './gifPalette.js';
import { DEFAULT_FILM_FPS } from '../../../shared/film.js';
import { writeFileAtomic } from '../../project/atomicWrite.js';
import { readFilm, readFilmFrame } from '../../project/film.js';

export interface FilmGifOptions {
  /** Frames per second (default DEFAULT_FILM_FPS). */
  fps?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface FilmGif {
  frames: number;
  width: number;
  height: number;
  bytes: number;
  firstStep: number;
  lastStep: number;
}

/**
 * A run's training film as an animated GIF: one frame per kept preview, in step order, looping.
 * Written atomically, so a cancelled or failed export leaves no half a GIF at `outFile`.
 */
export async function writeFilmGif(runDir: string, runId: string, outFile: string, options: FilmGifOptions = {}): Promise<FilmGif> {
  const frames = await readFilm(runDir);
  if (frames.length === 0) throw new Error(`${runId} has no training film: runs trained before the studio kept films have none`);
  const delay = Math.round(1000 / (options.fps ?? DEFAULT_FILM_FPS));
  const encoder = gifenc.GIFEncoder();
  let size = { width: 0, height: 0 };
  for (const [i, frame] of frames.entries()) {
    options.signal?.throwIfAborted();
    options.onProgress?.(i, frames.length);
    const { data, info } = await sharp(await readFilmFrame(runDir, frame)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const rgba = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    size = { width: info.width, height: info.height };
    const { palette, index } = gifFrame(rgba, isGray(rgba));
    encoder.writeFrame(index, info.width, info.height, { palette, delay, repeat: 0 });
  }
  options.onProgress?.(frames.length, frames.length);
  encoder.finish();
  const bytes = encoder.bytes();
  options.signal?.throwIfAborted();
  await writeFileAtomic(outFile, bytes);
  return { frames: frames.length, ...size, bytes: bytes.byteLength, firstStep: frames[0].step, lastStep: frames.at(-1)!.step };
}

function isGray(rgba: Uint8Array): boolean {
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) return false;
  return true;
}
