import type { ParsedRequestOf } from '../../shared/contract.js';
import type { FilmFrameInfo, FilmFramePicture } from '../../shared/film.js';
import { readFilm, readFilmFrame } from '../project/film.js';
import type { Studio } from './studio.js';

/** The frames of a run's training film, in step order; none for a run trained before films were kept. */
export async function filmFrames(studio: Studio, { runId }: ParsedRequestOf<'listFilmFrames'>): Promise<FilmFrameInfo[]> {
  return (await readFilm(studio.project.runDir(runId))).map(({ step, epoch }) => ({ step, epoch }));
}

/** The picture of one film frame, named by its step. */
export async function filmFrame(studio: Studio, { runId, step }: ParsedRequestOf<'getFilmFrame'>): Promise<FilmFramePicture> {
  const runDir = studio.project.runDir(runId);
  const frame = (await readFilm(runDir)).find((f) => f.step === step);
  if (!frame) throw new Error(`The film of ${runId} has no frame at step ${step}`);
  return { step, epoch: frame.epoch, png: await readFilmFrame(runDir, frame) };
}
