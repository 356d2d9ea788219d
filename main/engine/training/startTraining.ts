import { fork } from 'node:child_process';
import type { AdviceView, ManualStep, TrainingCommand, TrainingEvent, TrainingProcessMessage, TrainingRequest } from '../../../shared/training.js';
import { workerEntry } from '../workerEntry.js';

export interface TrainingHandle {
  pause(): void;
  resume(): void;
  stop(): void;
  /** While paused: take these updates by hand. */
  step(manual: ManualStep): void;
  setAdvice(view: AdviceView): void;
  /** Resolves with the final event: finished or failed (a crash of the process is a failed event). */
  readonly done: Promise<TrainingEvent & { type: 'finished' | 'failed' }>;
  readonly pid: number | undefined;
}

/** The training process as startTraining drives it, whichever way it was started. */
export interface TrainingChild {
  readonly pid: number | undefined;
  readonly stderr: NodeJS.ReadableStream | null;
  /** Sends a command while the process listens; dropped once it has gone. */
  send(command: TrainingCommand): void;
  onMessage(listener: (message: TrainingProcessMessage) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
}

/** Starts the training process's entry script: a forked Node process here, an Electron utility process in the app. */
export type LaunchTraining = (entry: string, env: NodeJS.ProcessEnv) => TrainingChild;

/** child_process.fork with an IPC channel (the command line, web mode, tests). */
export const forkTraining: LaunchTraining = (entry, env) => {
  const child = fork(entry, [], { serialization: 'advanced', env, execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  return {
    pid: child.pid,
    stderr: child.stderr,
    send: (command) => {
      if (child.connected) child.send(command);
    },
    onMessage: (listener) => child.on('message', listener as (message: unknown) => void),
    onExit: (listener) => child.on('exit', listener),
  };
};

/**
 * Starts training in a separate process and streams its typed events to `onEvent`.
 * The caller's event loop only receives messages; a crash, kill or out-of-memory of the
 * training process becomes a `failed` event with the reason, never an exception here.
 */
export function startTraining(
  request: TrainingRequest,
  onEvent: (event: TrainingEvent) => void,
  env: NodeJS.ProcessEnv = process.env,
  launch: LaunchTraining = forkTraining,
): TrainingHandle {
  const child = launch(workerEntry(new URL('./trainingProcess.js', import.meta.url)), env);
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
  });
  let last: (TrainingEvent & { type: 'finished' | 'failed' }) | null = null;
  let step = 0;
  const done = new Promise<TrainingEvent & { type: 'finished' | 'failed' }>((resolve) => {
    child.onMessage((message) => {
      // The exit that follows `ended` resolves `done` with the last finished or failed event.
      if (message.type === 'ended') return;
      if ('step' in message && typeof message.step === 'number') step = message.step;
      if (message.type === 'finished' || message.type === 'failed') last = message;
      onEvent(message);
    });
    child.onExit((code, signal) => {
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
  child.send({ type: 'start', request });
  return {
    pause: () => child.send({ type: 'pause' }),
    resume: () => child.send({ type: 'resume' }),
    stop: () => child.send({ type: 'stop' }),
    step: (manual) => child.send({ type: 'step', manual }),
    setAdvice: (view) => child.send({ type: 'advice', view }),
    done,
    pid: child.pid,
  };
}
