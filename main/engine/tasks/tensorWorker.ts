/**
 * Entry of the worker thread that does the studio's own TensorFlow.js work (describing a preset's
 * layers, sampling, exploring, exporting or measuring a checkpoint), so building a model or running a generator
 * never stalls the main process's event loop, the window's IPC or the web server. Speaks
 * shared/tensorJobs.ts: TensorWorkerRequest in, TensorWorkerReply out.
 */
import { parentPort } from 'node:worker_threads';
import type { ExportProgress } from '../../../shared/export.js';
import type { TensorJob, TensorWorkerReply, TensorWorkerRequest } from '../../../shared/tensorJobs.js';
import { describeModel, exploreGenerator, exportGenerator, importOnnxGenerator, measureCheckpoint, sampleCheckpoint } from './tensorTasks.js';

if (!parentPort) throw new Error('tensorWorker must run in a worker thread');
const port = parentPort;
const reply = (message: TensorWorkerReply) => port.postMessage(message);

/** Jobs that can be cancelled (exports), by id. */
const cancels = new Map<number, AbortController>();

port.on('message', async (request: TensorWorkerRequest) => {
  if (request.type === 'cancel') return void cancels.get(request.id)?.abort();
  const { id, job } = request;
  try {
    reply(await run(id, job));
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    reply({ type: 'failed', id, error: failure.message, name: failure.name });
  } finally {
    cancels.delete(id);
  }
});

async function run(id: number, job: TensorJob): Promise<TensorWorkerReply> {
  const onProgress = (progress: ExportProgress) => reply({ type: 'progress', id, progress });
  switch (job.kind) {
    case 'describe':
      return { type: 'done', id, kind: job.kind, value: await describeModel(job) };
    case 'sample':
      return { type: 'done', id, kind: job.kind, value: await sampleCheckpoint(job) };
    case 'measure':
      return { type: 'done', id, kind: job.kind, value: await measureCheckpoint(job, onProgress) };
    case 'explore':
      return { type: 'done', id, kind: job.kind, value: await exploreGenerator(job) };
    case 'importGenerator':
      return { type: 'done', id, kind: job.kind, value: await importOnnxGenerator(job) };
    case 'export': {
      const controller = new AbortController();
      cancels.set(id, controller);
      return { type: 'done', id, kind: job.kind, value: await exportGenerator(job, onProgress, controller.signal) };
    }
  }
}
