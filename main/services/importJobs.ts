import type { ImportJobEvent } from '../../shared/contract.js';
import type { DatasetManifest, ImportProgress } from '../../shared/dataset.js';
import type { ImportHooks } from '../data/importFolder.js';
import type { StudioEvents } from './events.js';

/** Progress events at most this often: a fast import reports thousands of files a second. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * The one import that may run at a time (folder or built-in), with progress pushed to every
 * window and a cancel that leaves the project's dataset as it was (the importers guarantee it).
 */
export class ImportJobs {
  private controller: AbortController | null = null;
  private last: ImportJobEvent | null = null;

  constructor(private readonly deps: { events: StudioEvents; onImported: () => void }) {}

  get running(): boolean {
    return this.controller !== null;
  }

  state(): ImportJobEvent | null {
    return this.last;
  }

  async run(source: string, work: (hooks: ImportHooks) => Promise<DatasetManifest>): Promise<DatasetManifest> {
    if (this.controller) throw new Error('An import is already running: wait for it to finish or cancel it.');
    const controller = new AbortController();
    this.controller = controller;
    let lastSent = 0;
    const onProgress = (progress: ImportProgress) => {
      const now = Date.now();
      if (now - lastSent < PROGRESS_INTERVAL_MS && progress.done < progress.total) return;
      lastSent = now;
      this.publish({ state: 'running', source, progress });
    };
    this.publish({ state: 'running', source, progress: { done: 0, total: 0, skipped: 0 } });
    try {
      const manifest = await work({ signal: controller.signal, onProgress });
      this.publish({ state: 'done', source, manifest });
      this.deps.onImported();
      return manifest;
    } catch (error) {
      if ((error as Error).name === 'AbortError') {
        this.publish({ state: 'cancelled', source });
        throw new Error('Import cancelled; the dataset is as it was before.');
      }
      const message = error instanceof Error ? error.message : String(error);
      this.publish({ state: 'failed', source, error: message });
      throw error;
    } finally {
      this.controller = null;
    }
  }

  cancel(): { cancelled: boolean } {
    if (!this.controller) return { cancelled: false };
    this.controller.abort();
    return { cancelled: true };
  }

  private publish(event: ImportJobEvent): void {
    this.last = event;
    this.deps.events.emit('importProgress', event);
  }
}
