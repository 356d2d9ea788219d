import { z } from 'zod';

/**
 * The training film, runs/<id>/film/: every sample grid a run previewed, in step order.
 *   film.json   {"format": "gan-studio/film", "version": 1}
 *   frames.png  the grids' PNG files back to back (append-only)
 *   index.jsonl one FilmFrame per line, appended after its PNG bytes
 * A frame counts only once its index line is whole and its bytes lie inside frames.png, so a
 * process killed mid-write leaves a readable film; the next writer trims the torn tail first.
 */
export const FILM_FORMAT = 'gan-studio/film';
export const FILM_FORMAT_VERSION = 1;

export const filmInfoSchema = z.object({ format: z.literal(FILM_FORMAT), version: z.number().int() });

/** One line of index.jsonl: where a frame's PNG lies in frames.png. */
export const filmFrameSchema = z
  .object({
    step: z.number().int().min(0),
    epoch: z.number().int().min(0),
    offset: z.number().int().min(0),
    length: z.number().int().min(1),
  })
  .strict();
export type FilmFrame = z.output<typeof filmFrameSchema>;

/** A frame as the window lists it: which step and epoch it shows, in film order. */
export interface FilmFrameInfo {
  step: number;
  epoch: number;
}

/** One frame's picture, as PNG bytes the window shows through a blob URL. */
export interface FilmFramePicture extends FilmFrameInfo {
  png: Uint8Array;
}

/** Frames per second a film export plays at unless told otherwise. */
export const DEFAULT_FILM_FPS = 8;
export const MAX_FILM_FPS = 50;

/** A film written as an animated GIF from a window. */
export interface FilmExport {
  /** The GIF (absolute path). */
  path: string;
  frames: number;
  bytes: number;
  /** One line for the user. */
  summary: string;
}

/** Progress of a film export, pushed to every window. */
export type FilmExportEvent = { runId: string } & ({ state: 'running'; done: number; total: number } | { state: 'done'; export: FilmExport } | { state: 'failed'; error: string });
