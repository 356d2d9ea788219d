import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ModelDescription } from '../../shared/contract.js';
import type { ExportProgress, ExportResult } from '../../shared/export.js';
import type { ImportedGenerator } from '../../shared/handoff.js';
import type { CheckpointEvaluation } from '../../shared/quality.js';
import type { SampleGrid } from '../../shared/training.js';
import type { TensorJob } from './tensorTasks.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; onProgress?: (progress: ExportProgress) => void };
type Reply = { id: number; progress?: ExportProgress; ok?: boolean; value?: unknown; error?: string; name?: string };
type JobOf<K extends TensorJob['kind']> = Omit<Extract<TensorJob, { kind: K }>, 'kind'>;

/**
 * Sends tensor jobs to one lazily started worker thread (see tensorWorker.ts). A crash of the
 * worker fails the jobs in flight with a message and the next job starts a fresh worker.
 */
export class TensorJobs {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  describe(job: JobOf<'describe'>): Promise<ModelDescription> {
    return this.run({ kind: 'describe', ...job }).promise as Promise<ModelDescription>;
  }

  sample(job: JobOf<'sample'>): Promise<SampleGrid> {
    return this.run({ kind: 'sample', ...job }).promise as Promise<SampleGrid>;
  }

  /** An export with progress; `cancel` makes it reject with an error named 'AbortError'. */
  export(job: JobOf<'export'>, onProgress: (progress: ExportProgress) => void): { promise: Promise<ExportResult>; cancel: () => void } {
    const { id, promise } = this.run({ kind: 'export', ...job }, onProgress);
    return { promise: promise as Promise<ExportResult>, cancel: () => this.worker?.postMessage({ cancel: id }) };
  }

  /** Measures a checkpoint with progress (mostly the feature network's training, the first time on a dataset). */
  measure(job: JobOf<'measure'>, onProgress: (progress: ExportProgress) => void): Promise<CheckpointEvaluation> {
    return this.run({ kind: 'measure', ...job }, onProgress).promise as Promise<CheckpointEvaluation>;
  }

  importGenerator(job: JobOf<'importGenerator'>): Promise<ImportedGenerator> {
    return this.run({ kind: 'importGenerator', ...job }).promise as Promise<ImportedGenerator>;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private run(job: TensorJob, onProgress?: (progress: ExportProgress) => void): { id: number; promise: Promise<unknown> } {
    const worker = this.start();
    const id = this.nextId++;
    const promise = new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      worker.ref();
      worker.postMessage({ id, job });
    });
    return { id, promise };
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // The .ts entry under tsx (development, tests), the compiled .js otherwise.
    const self = fileURLToPath(import.meta.url);
    const entry = self.slice(0, -extname(self).length).replace(/tensorJobs$/, 'tensorWorker') + extname(self);
    const worker = startWorker(entry);
    worker.on('message', ({ id, progress, ok, value, error, name }: Reply) => {
      const job = this.pending.get(id);
      if (!job) return;
      if (progress) return void job.onProgress?.(progress);
      this.pending.delete(id);
      // An idle worker must not keep a finished process (a test, a CLI run) alive.
      if (this.pending.size === 0) worker.unref();
      if (ok) return job.resolve(value);
      const failure = new Error(error);
      if (name) failure.name = name;
      job.reject(failure);
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

function startWorker(entry: string): Worker {
  if (!entry.endsWith('.ts')) return new Worker(entry);
  // Under tsx (tests, development) a worker thread does not inherit the TypeScript loader: register it there first.
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(pathToFileURL(entry).href)}); })`;
  return new Worker(source, { eval: true });
}
