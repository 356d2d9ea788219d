import type { ExploreRequest, ExploreResults } from '../../shared/explore.js';
import type { Studio } from './studio.js';

/**
 * One latent explorer view of a checkpoint of the open project, drawn in the tensor worker. It reads
 * the checkpoint and the dataset only, so it may run beside training.
 */
export function explore<R extends ExploreRequest>(studio: Studio, at: { runId: string; checkpointId: string }, request: R): Promise<ExploreResults[R['view']]> {
  const projectDir = studio.project.require();
  return studio.tensors.explore({ checkpointDir: studio.project.checkpointDir(at.runId, at.checkpointId), projectDir, request });
}
