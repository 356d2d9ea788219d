import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MAX_FILM_FPS } from '../../shared/film.js';
import { writeFilmGif } from '../engine/export/filmGif.js';
import { projectLayout } from '../project/layout.js';
import { readRunInfo, runIds } from '../project/runs.js';
import { intFlag, UsageError } from './args.js';
import { onInterrupt } from './interrupt.js';
import { ProgressBar } from './progressBar.js';

export const filmUsage = `The training film (every sample grid a run previewed, kept in runs/<id>/film):

  gan-studio export --project DIR --format film [--run RUN] [--fps N] [--out FILE.gif] [--force]

  Writes an animated GIF with one frame per kept preview, in step order (default
  DIR/exports/<run>-film.gif).

--fps     frames per second of the GIF, 1 to ${MAX_FILM_FPS} (default 8)
--force   replace an existing file at --out`;

export interface FilmFlags {
  run?: string;
  fps?: string;
  out?: string;
  force?: boolean;
}

/** `gan-studio export --format film`. */
export async function exportFilmCommand(projectDir: string, flags: FilmFlags): Promise<number> {
  const fps = intFlag(flags.fps, 'fps', 1);
  if (fps !== undefined && fps > MAX_FILM_FPS) throw new UsageError(`--fps must be at most ${MAX_FILM_FPS}, got ${fps}`);
  if (flags.run !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(flags.run)) throw new UsageError(`--run must be a run id such as run-001, got "${flags.run}"`);
  const runId = flags.run ?? (await runIds(projectDir)).at(-1);
  if (!runId) throw new Error(`${projectDir} has no runs yet: train one first (gan-studio train)`);
  const runDir = projectLayout(projectDir).run(runId).dir;
  await readRunInfo(runDir).catch(() => {
    throw new Error(`No run ${runId} in ${projectDir}`);
  });
  const out = resolve(flags.out ?? join(projectLayout(projectDir).exportsDir, `${runId}-film.gif`));
  const taken = await stat(out).then(
    () => true,
    () => false,
  );
  if (taken && !flags.force) throw new Error(`${out} already exists; pass --force to replace it`);
  const abort = new AbortController();
  const release = onInterrupt(() => abort.abort());
  const bar = new ProgressBar('Drawing frames', 'frames');
  const started = performance.now();
  try {
    const gif = await writeFilmGif(runDir, runId, out, { fps, signal: abort.signal, onProgress: (done, total) => bar.update(done, total) });
    bar.done();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`Wrote the training film of ${runId} to ${out}: ${gif.frames} frames (steps ${gif.firstStep} to ${gif.lastStep}), ${gif.width}x${gif.height}, ${(gif.bytes / 1e3).toFixed(1)} kB, ${seconds}s.`);
    return 0;
  } catch (error) {
    bar.done();
    if ((error as Error).name === 'AbortError') {
      console.log(`Export cancelled; nothing was written to ${out}.`);
      return 130;
    }
    throw error;
  } finally {
    release();
  }
}
