import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExploreRequest, ExploreResults } from '../../shared/explore.js';
import type { ExportProgress } from '../../shared/export.js';
import type { TensorJob, TensorJobKind, TensorJobOf, TensorJobResults, TensorWorkerReply, TensorWorkerRequest } from '../../shared/tensorJobs.js';
import { workerEntry } from '../engine/workerEntry.js';

type Pending = { kind: TensorJobKind; resolve: (value: TensorJobResults[TensorJobKind]) => void; reject: (error: Error) => void; onProgress?: (progress: ExportProgress) => void };
type JobOf<K extends TensorJobKind> = Omit<TensorJobOf<K>, 'kind'>;

/**
 * Sends tensor jobs to one lazily started worker thread (engine/tasks/tensorWorker.ts, protocol in
 * shared/tensorJobs.ts). A crash of the worker fails the jobs in flight with a message and the next
 * job starts a fresh worker.
 */
export class TensorJobs {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  describe(job: JobOf<'describe'>): Promise<TensorJobResults['describe']> {
    return this.run('describe', { kind: 'describe', ...job }).promise;
  }

  sample(job: JobOf<'sample'>): Promise<TensorJobResults['sample']> {
    return this.run('sample', { kind: 'sample', ...job }).promise;
  }

  /** An export with progress; `cancel` makes it reject with an error named 'AbortError'. */
  export(job: JobOf<'export'>, onProgress: (progress: ExportProgress) => void): { promise: Promise<TensorJobResults['export']>; cancel: () => void } {
    const { id, promise } = this.run('export', { kind: 'export', ...job }, onProgress);
    return { promise, cancel: () => this.send({ type: 'cancel', id }) };
  }

  /** Measures a checkpoint with progress (mostly the feature network's training, the first time on a dataset). */
  measure(job: JobOf<'measure'>, onProgress: (progress: ExportProgress) => void): Promise<TensorJobResults['measure']> {
    return this.run('measure', { kind: 'measure', ...job }, onProgress).promise;
  }

  importGenerator(job: JobOf<'importGenerator'>): Promise<TensorJobResults['importGenerator']> {
    return this.run('importGenerator', { kind: 'importGenerator', ...job }).promise;
  }

  /** One latent explorer view; resolves with that view's result. */
  explore<R extends ExploreRequest>(job: { checkpointDir: string; projectDir: string; request: R }): Promise<ExploreResults[R['view']]> {
    // The worker answers with the result of the request's own view (engine/explore/exploreViews.ts).
    return this.run('explore', { kind: 'explore', ...job }).promise as Promise<ExploreResults[R['view']]>;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private run<K extends TensorJobKind>(kind: K, job: TensorJob & { kind: K }, onProgress?: (progress: ExportProgress) => void): { id: number; promise: Promise<TensorJobResults[K]> } {
    const worker = this.start();
    const id = this.nextId++;
    const promise = new Promise<TensorJobResults[K]>((resolve, reject) => {
      // A `done` reply for this id carries kind K (the worker echoes it), so the value is this job's result.
      this.pending.set(id, { kind, resolve: resolve as Pending['resolve'], reject, onProgress });
      worker.ref();
      this.send({ type: 'run', id, job });
    });
    return { id, promise };
  }

  private send(request: TensorWorkerRequest): void {
    this.worker?.postMessage(request);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(workerEntry(new URL('../engine/tasks/tensorWorker.js', import.meta.url)));
    worker.on('message', (reply: TensorWorkerReply) => {
      const job = this.pending.get(reply.id);
      if (!job) return;
      if (reply.type === 'progress') return void job.onProgress?.(reply.progress);
      this.pending.delete(reply.id);
      // An idle worker must not keep a finished process (a test, a CLI run) alive.
      if (this.pending.size === 0) worker.unref();
      if (reply.type === 'done') {
        if (reply.kind === job.kind) return job.resolve(reply.value);
        return job.reject(new Error(`The model worker answered a ${job.kind} job with a ${reply.kind} result.`));
      }
      const failure = new Error(reply.error);
      failure.name = reply.name;
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
