import type { ParsedRequestOf } from '../../shared/contract.js';
import type { TrainingState } from '../../shared/trainingState.js';
import type { Studio } from './studio.js';

/** Starts a run (or resumes one) in the open project, on the backend the request or the settings name. */
export async function startTraining(studio: Studio, { options, resume }: ParsedRequestOf<'startTraining'>): Promise<TrainingState> {
  const dir = studio.project.require();
  studio.ensureIdle('start training');
  const { backend } = await studio.settings.read();
  const chosen = options.backend ?? (backend === 'auto' ? undefined : backend);
  return studio.training.start(dir, { ...options, backend: chosen }, resume);
}
