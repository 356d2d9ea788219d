import type { MeasureJobEvent } from '../../shared/contract.js';
import type { CheckpointEvaluation } from '../../shared/quality.js';
import type { StudioEvents } from './events.js';
import type { TensorJobs } from './tensorJobs.js';

/** Progress events at most this often (the feature network reports every batch). */
const PROGRESS_INTERVAL_MS = 200;

/**
 * The one on-demand measuring of a checkpoint that may run at a time, in the tensor worker so the
 * feature network's training never stalls the window, with progress to every window.
 */
export class MeasureJobs {
  private current: string | null = null;

  constructor(private readonly deps: { events: StudioEvents; tensors: TensorJobs; onMeasured: () => void }) {}

  get running(): boolean {
    return this.current !== null;
  }

  async run(job: { projectDir: string; runId: string; checkpointId: string }): Promise<CheckpointEvaluation> {
    if (this.current) throw new Error(`${this.current} is being measured: wait for it to finish.`);
    const { runId, checkpointId } = job;
    const publish = (event: MeasureJobEvent) => this.deps.events.emit('measureProgress', event);
    this.current = `${runId}/${checkpointId}`;
    let lastSent = 0;
    publish({ runId, checkpointId, state: 'running', stage: 'Loading the generator', done: 0, total: 0 });
    try {
      const evaluation = await this.deps.tensors.measure(job, ({ stage, done, total }) => {
        const now = Date.now();
        if (now - lastSent < PROGRESS_INTERVAL_MS && done < total) return;
        lastSent = now;
        publish({ runId, checkpointId, state: 'running', stage, done, total });
      });
      publish({ runId, checkpointId, state: 'done', evaluation });
      this.deps.onMeasured();
      return evaluation;
    } catch (error) {
      publish({ runId, checkpointId, state: 'failed', error: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      this.current = null;
    }
  }
}
