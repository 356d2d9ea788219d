/**
 * Entry of the worker thread that does the studio's own TensorFlow.js work (describing a preset's
 * layers, sampling, exporting or measuring a checkpoint), so building a model or running a generator never stalls the
 * main process's event loop, the window's IPC or the web server.
 */
import { parentPort } from 'node:worker_threads';
import { describeModel, exportGenerator, importOnnxGenerator, measureCheckpoint, sampleCheckpoint, type TensorJob } from './tensorTasks.js';

if (!parentPort) throw new Error('tensorWorker must run in a worker thread');
const port = parentPort;

/** Jobs that can be cancelled (exports), by id. */
const cancels = new Map<number, AbortController>();

port.on('message', async (message: { id: number; job: TensorJob } | { cancel: number }) => {
  if ('cancel' in message) return void cancels.get(message.cancel)?.abort();
  const { id, job } = message;
  try {
    let value: unknown;
    if (job.kind === 'describe') value = await describeModel(job);
    else if (job.kind === 'sample') value = await sampleCheckpoint(job);
    else if (job.kind === 'importGenerator') value = await importOnnxGenerator(job);
    else if (job.kind === 'measure') value = await measureCheckpoint(job, (progress) => port.postMessage({ id, progress }));
    else {
      const controller = new AbortController();
      cancels.set(id, controller);
      value = await exportGenerator(job, (progress) => port.postMessage({ id, progress }), controller.signal);
    }
    port.postMessage({ id, ok: true, value });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ id, ok: false, error: failure.message, name: failure.name });
  } finally {
    cancels.delete(id);
  }
});
