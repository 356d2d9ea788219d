import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ModelDescription } from '../../shared/contract.js';
import type { SampleGrid } from '../../shared/training.js';
import type { TensorJob } from './tensorTasks.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * Sends tensor jobs to one lazily started worker thread (see tensorWorker.ts). A crash of the
 * worker fails the jobs in flight with a message and the next job starts a fresh worker.
 */
export class TensorJobs {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  describe(job: Omit<Extract<TensorJob, { kind: 'describe' }>, 'kind'>): Promise<ModelDescription> {
    return this.run({ kind: 'describe', ...job }) as Promise<ModelDescription>;
  }

  sample(job: Omit<Extract<TensorJob, { kind: 'sample' }>, 'kind'>): Promise<SampleGrid> {
    return this.run({ kind: 'sample', ...job }) as Promise<SampleGrid>;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private run(job: TensorJob): Promise<unknown> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, job });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // The .ts entry under tsx (development, tests), the compiled .js otherwise.
    const self = fileURLToPath(import.meta.url);
    const entry = self.slice(0, -extname(self).length).replace(/tensorJobs$/, 'tensorWorker') + extname(self);
    const worker = new Worker(entry);
    worker.on('message', ({ id, ok, value, error }: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const job = this.pending.get(id);
      if (!job) return;
      this.pending.delete(id);
      if (this.pending.size === 0) worker.unref();
      if (ok) job.resolve(value);
      else job.reject(new Error(error));
    });
    const failAll = (message: string) => {
      if (this.worker === worker) this.worker = null;
      for (const job of this.pending.values()) job.reject(new Error(message));
      this.pending.clear();
    };
    worker.on('error', (error) => failAll(`The model worker failed: ${error.message}`));
    worker.on('exit', (code) => failAll(`The model worker stopped (exit code ${code}).`));
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
