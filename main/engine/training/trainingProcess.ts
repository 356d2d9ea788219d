/**
 * Entry point of the training process (a forked Node process, so a crash or out-of-memory in
 * training never takes the app down). Speaks TrainingCommand in, TrainingEvent out.
 */
import type { TrainingCommand, TrainingProcessMessage } from '../../../shared/training.js';
import type { RunControl } from './runControl.js';
import { runTraining } from './runTraining.js';

if (!process.send) throw new Error('trainingProcess must be started with an IPC channel (child_process.fork)');

let paused = false;
let stopRequested = false;
let wake: (() => void) | null = null;
let started = false;

const control: RunControl = {
  get paused() {
    return paused;
  },
  get stopRequested() {
    return stopRequested;
  },
  untilResumed: () => new Promise<void>((resolve) => (wake = resolve)),
};

const send = (message: TrainingProcessMessage) => process.send!(message);

process.on('message', (command: TrainingCommand) => {
  switch (command.type) {
    case 'start':
      if (started) return;
      started = true;
      void runTraining(command.request, send, control).then(() => {
        // Exit only once the last event has left the pipe.
        process.send!({ type: 'ended' } satisfies TrainingProcessMessage, () => process.exit(0));
      });
      break;
    case 'pause':
      paused = true;
      break;
    case 'resume':
      paused = false;
      wake?.();
      break;
    case 'stop':
      stopRequested = true;
      wake?.();
      break;
  }
});

// The parent went away (app closed or crashed): stop cleanly rather than train on unobserved.
process.on('disconnect', () => {
  stopRequested = true;
  wake?.();
});
