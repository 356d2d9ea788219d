import { fork, type ChildProcess } from 'node:child_process';
import type { TrainingCommand, TrainingEvent, TrainingProcessMessage, TrainingRequest } from '../../../shared/training.js';
import { workerEntry } from '../workerEntry.js';

export interface TrainingHandle {
  pause(): void;
  resume(): void;
  stop(): void;
  /** Resolves with the final event: finished or failed (a crash of the process is a failed event). */
  readonly done: Promise<TrainingEvent & { type: 'finished' | 'failed' }>;
  readonly pid: number | undefined;
}

/**
 * Starts training in a separate Node process and streams its typed events to `onEvent`.
 * The caller's event loop only receives messages; a crash, kill or out-of-memory of the
 * training process becomes a `failed` event with the reason, never an exception here.
 */
export function startTraining(request: TrainingRequest, onEvent: (event: TrainingEvent) => void, env: NodeJS.ProcessEnv = process.env): TrainingHandle {
  const child: ChildProcess = fork(workerEntry(new URL('./trainingProcess.js', import.meta.url)), [], {
    serialization: 'advanced',
    env,
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
  });
  let last: (TrainingEvent & { type: 'finished' | 'failed' }) | null = null;
  let step = 0;
  const done = new Promise<TrainingEvent & { type: 'finished' | 'failed' }>((resolve) => {
    child.on('message', (message: TrainingProcessMessage) => {
      // The exit that follows `ended` resolves `done` with the last finished or failed event.
      if (message.type === 'ended') return;
      if ('step' in message && typeof message.step === 'number') step = message.step;
      if (message.type === 'finished' || message.type === 'failed') last = message;
      onEvent(message);
    });
    child.on('exit', (code, signal) => {
      if (last) return resolve(last);
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      const oom = /heap out of memory|Cannot allocate memory|std::bad_alloc/i.test(stderrTail) ? ' It ran out of memory: try a smaller batch size or image size.' : '';
      const detail = stderrTail.trim().split('\n').slice(-3).join(' | ');
      const failed: TrainingEvent & { type: 'failed' } = {
        type: 'failed',
        step,
        message: `The training process ${how}.${oom} The last complete checkpoint is kept.${detail ? ` (${detail})` : ''}`,
      };
      onEvent(failed);
      resolve(failed);
    });
  });
  const send = (command: TrainingCommand) => {
    if (child.connected) child.send(command);
  };
  send({ type: 'start', request });
  return {
    pause: () => send({ type: 'pause' }),
    resume: () => send({ type: 'resume' }),
    stop: () => send({ type: 'stop' }),
    done,
    pid: child.pid,
  };
}
