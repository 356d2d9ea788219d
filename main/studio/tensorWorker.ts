/**
 * Entry of the worker thread that does the studio's own TensorFlow.js work (describing a preset's
 * layers, sampling a checkpoint), so building a model or running a generator never stalls the
 * main process's event loop, the window's IPC or the web server.
 */
import { parentPort } from 'node:worker_threads';
import { describeModel, sampleCheckpoint, type TensorJob } from './tensorTasks.js';

if (!parentPort) throw new Error('tensorWorker must run in a worker thread');
const port = parentPort;

port.on('message', async ({ id, job }: { id: number; job: TensorJob }) => {
  try {
    const value = job.kind === 'describe' ? await describeModel(job) : await sampleCheckpoint(job);
    port.postMessage({ id, ok: true, value });
  } catch (error) {
    port.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
