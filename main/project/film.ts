import { appendFile, mkdir, open, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { FILM_FORMAT, FILM_FORMAT_VERSION, filmFrameSchema, filmInfoSchema, type FilmFrame } from '../../shared/film.js';
import type { SampleGrid } from '../../shared/training.js';
import { parseVersioned } from '../../shared/validation.js';
import { writeFileAtomic, writeJsonAtomic } from './atomicWrite.js';

/** The files of a run's film (format in shared/film.ts). */
export const filmLayout = (runDir: string) => {
  const dir = join(runDir, 'film');
  return { dir, info: join(dir, 'film.json'), frames: join(dir, 'frames.png'), index: join(dir, 'index.jsonl') };
};

/**
 * The frames of a run's film, in step order: torn index lines, frames whose bytes run past the end
 * of frames.png (a kill mid-write) and anything after the first frame out of order are left out.
 * A run without a film has none.
 */
export async function readFilm(runDir: string): Promise<FilmFrame[]> {
  const files = filmLayout(runDir);
  let text: string;
  try {
    await checkFilmInfo(files.info);
    text = await readFile(files.index, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const bytes = await stat(files.frames).then(
    (s) => s.size,
    () => 0,
  );
  const frames: FilmFrame[] = [];
  let end = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let frame: FilmFrame;
    try {
      frame = filmFrameSchema.parse(JSON.parse(line));
    } catch {
      break;
    }
    const last = frames.at(-1);
    if (frame.offset !== end || frame.offset + frame.length > bytes || (last && frame.step <= last.step)) break;
    frames.push(frame);
    end = frame.offset + frame.length;
  }
  return frames;
}

/** One frame's PNG bytes. */
export async function readFilmFrame(runDir: string, frame: FilmFrame): Promise<Uint8Array> {
  const handle = await open(filmLayout(runDir).frames, 'r');
  try {
    const png = new Uint8Array(frame.length);
    const { bytesRead } = await handle.read(png, 0, frame.length, frame.offset);
    if (bytesRead !== frame.length) throw new Error(`The film's frame at step ${frame.step} is cut short`);
    return png;
  } finally {
    await handle.close();
  }
}

/**
 * Appends a run's sample grids to its film as training previews them. Opening trims what a kill
 * left half-written and the frames after `fromStep` (a resumed run continues from its checkpoint,
 * as its metrics log does), so the film always replays the training the run now holds.
 */
export class FilmRecorder {
  private constructor(
    private readonly runDir: string,
    private end: number,
    private lastStep: number,
  ) {}

  static async open(runDir: string, fromStep: number): Promise<FilmRecorder> {
    const files = filmLayout(runDir);
    await mkdir(files.dir, { recursive: true });
    try {
      await checkFilmInfo(files.info);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await writeJsonAtomic(files.info, { format: FILM_FORMAT, version: FILM_FORMAT_VERSION });
    }
    const all = await readFilm(runDir);
    const kept = all.filter((frame) => frame.step <= fromStep);
    const last = kept.at(-1);
    const end = last ? last.offset + last.length : 0;
    await writeFileAtomic(files.index, kept.map((frame) => JSON.stringify(frame) + '\n').join(''));
    await appendFile(files.frames, new Uint8Array(0));
    await truncate(files.frames, end);
    return new FilmRecorder(runDir, end, last?.step ?? -1);
  }

  /** Adds a frame; a grid of a step already filmed (a resumed run's first preview) is skipped. */
  async record(step: number, epoch: number, grid: SampleGrid): Promise<void> {
    if (step <= this.lastStep) return;
    const png = await sharp(grid.rgba, { raw: { width: grid.width, height: grid.height, channels: 4 } }).png().toBuffer();
    const files = filmLayout(this.runDir);
    // Bytes first, then the line that makes them a frame: a kill between leaves bytes nobody indexes.
    await appendFile(files.frames, png);
    const frame: FilmFrame = { step, epoch, offset: this.end, length: png.byteLength };
    await appendFile(files.index, JSON.stringify(frame) + '\n');
    this.end += png.byteLength;
    this.lastStep = step;
  }
}

async function checkFilmInfo(path: string): Promise<void> {
  parseVersioned(filmInfoSchema, JSON.parse(await readFile(path, 'utf8')), path, 'film', FILM_FORMAT_VERSION);
}
