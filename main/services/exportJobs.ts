import type { ExportJobEvent } from '../../shared/contract.js';
import { forWindow, type ExportFormatId, type ExportOptions, type ExportResult } from '../../shared/export.js';
import type { StudioEvents } from './events.js';
import type { TensorJobs } from './tensorJobs.js';

/** Progress events at most this often (a GIF reports every frame). */
const PROGRESS_INTERVAL_MS = 100;

/** The one export that may run at a time, in the tensor worker, with progress to every window and a cancel. */
export class ExportJobs {
  private cancelCurrent: (() => void) | null = null;
  private last: ExportJobEvent | null = null;

  constructor(private readonly deps: { events: StudioEvents; tensors: TensorJobs; onExported: () => void }) {}

  get running(): boolean {
    return this.cancelCurrent !== null;
  }

  state(): ExportJobEvent | null {
    return this.last;
  }

  async run(job: { checkpointDir: string; format: ExportFormatId; outDir: string; options: ExportOptions }): Promise<ExportResult> {
    if (this.cancelCurrent) throw new Error('An export is already running: wait for it to finish or cancel it.');
    const { format, outDir } = job;
    let lastSent = 0;
    const { promise, cancel } = this.deps.tensors.export(job, (progress) => {
      const now = Date.now();
      if (now - lastSent < PROGRESS_INTERVAL_MS && progress.done < progress.total) return;
      lastSent = now;
      this.publish({ state: 'running', format, outDir, progress });
    });
    this.cancelCurrent = cancel;
    this.publish({ state: 'running', format, outDir, progress: { stage: 'Loading the generator', done: 0, total: 0 } });
    try {
      const result = await promise;
      this.publish({ state: 'done', format, outDir, result });
      this.deps.onExported();
      return result;
    } catch (error) {
      if ((error as Error).name === 'AbortError') {
        this.publish({ state: 'cancelled', format, outDir });
        throw new Error(`Export cancelled; nothing was written to ${outDir}.`);
      }
      const message = forWindow(error instanceof Error ? error.message : String(error));
      this.publish({ state: 'failed', format, outDir, error: message });
      throw new Error(message);
    } finally {
      this.cancelCurrent = null;
    }
  }

  cancel(): { cancelled: boolean } {
    if (!this.cancelCurrent) return { cancelled: false };
    this.cancelCurrent();
    return { cancelled: true };
  }

  private publish(event: ExportJobEvent): void {
    this.last = event;
    this.deps.events.emit('exportProgress', event);
  }
}
