import type { TrainingEvent } from '../../../shared/training.js';
import { FilmRecorder } from '../../project/film.js';

export interface Filming {
  /** The caller's emit, with every sample grid also written to the film. */
  emit(event: TrainingEvent): void;
  /** Waits for the frames still being written. */
  finish(): Promise<void>;
}

/**
 * Films a run: every `sample` event passes through to the caller at once and is queued for the
 * film, so PNG encoding and writing never hold a step up. A film that cannot be written (disk
 * full) is reported once as a warning and training goes on without it.
 */
export async function filmTraining(runDir: string, fromStep: number, emit: (event: TrainingEvent) => void): Promise<Filming> {
  const recorder = await FilmRecorder.open(runDir, fromStep);
  let queue = Promise.resolve();
  let broken = false;
  return {
    emit(event) {
      emit(event);
      if (event.type !== 'sample' || broken) return;
      queue = queue
        .then(() => recorder.record(event.step, event.epoch, event.grid))
        .catch((error: unknown) => {
          broken = true;
          emit({ type: 'log', level: 'warn', message: `The training film stopped at step ${event.step}: ${error instanceof Error ? error.message : String(error)}` });
        });
    },
    finish: () => queue,
  };
}
