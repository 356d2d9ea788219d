import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParsedRequestOf } from '../../shared/contract.js';
import type { FilmExport } from '../../shared/film.js';
import { writeFilmGif } from '../engine/export/filmGif.js';
import { projectLayout } from '../project/layout.js';
import type { Studio } from './studio.js';

/** Progress events at most this often. */
const PROGRESS_INTERVAL_MS = 100;
let running = false;

/**
 * A run's training film as an animated GIF in the project's exports folder (exports/<run>-film.gif),
 * with progress to every window. No tensors are involved: frames are decoded by sharp off the event
 * loop, and each frame's palette takes milliseconds, so the window stays responsive.
 */
export async function exportFilm(studio: Studio, { runId, fps, force }: ParsedRequestOf<'exportFilm'>): Promise<FilmExport> {
  const projectDir = studio.project.require();
  if (running) throw new Error('A film is already being exported: wait for it to finish.');
  const path = join(projectLayout(projectDir).exportsDir, `${runId}-film.gif`);
  const taken = await stat(path).then(
    () => true,
    () => false,
  );
  if (taken && !force) throw new Error(`${path} already exists: tick “Replace” to write it again`);
  running = true;
  let lastSent = 0;
  try {
    const gif = await writeFilmGif(studio.project.runDir(runId), runId, path, {
      fps,
      onProgress: (done, total) => {
        const now = Date.now();
        if (now - lastSent < PROGRESS_INTERVAL_MS && done < total) return;
        lastSent = now;
        studio.events.emit('filmExportProgress', { runId, state: 'running', done, total });
      },
    });
    const result: FilmExport = {
      path,
      frames: gif.frames,
      bytes: gif.bytes,
      summary: `${gif.frames} frames (steps ${gif.firstStep} to ${gif.lastStep}) at ${fps} frames/s, ${gif.width}x${gif.height}, ${(gif.bytes / 1e3).toFixed(1)} kB`,
    };
    studio.events.emit('filmExportProgress', { runId, state: 'done', export: result });
    return result;
  } catch (error) {
    studio.events.emit('filmExportProgress', { runId, state: 'failed', error: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    running = false;
  }
}
