/**
 * Entry point of the training process (a forked Node process, so a crash or out-of-memory in
 * training never takes the app down). Speaks TrainingCommand in, TrainingEvent out.
 *
 * It stops cleanly, writing a checkpoint at the step it stopped, whichever way it is asked: a
 * stop command, the parent going away (closed, crashed or killed), or SIGINT/SIGTERM (a terminal
 * sends Ctrl-C to the whole process group, so this process hears it as well as the command
 * line). A second signal quits at once: the last complete checkpoint stays, the half-written one
 * is a leftover the next open removes, and the run shows as interrupted.
 */
import type { AdviceView, ManualStep, TrainingCommand, TrainingProcessMessage } from '../../../shared/training.js';
import type { RunControl } from './runControl.js';

/** An Electron utility process talks through parentPort; a forked Node process through its IPC channel. */
interface ParentPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}
const parentPort = (process as { parentPort?: ParentPort }).parentPort;
if (!parentPort && !process.send) throw new Error('trainingProcess must be started with an IPC channel (child_process.fork or utilityProcess.fork)');

let paused = false;
let stopRequested = false;
let advice: AdviceView = 'off';
const manualSteps: ManualStep[] = [];
let wake: (() => void) | null = null;
let started = false;
let signals = 0;

const control: RunControl = {
  get paused() {
    return paused;
  },
  get stopRequested() {
    return stopRequested;
  },
  get advice() {
    return advice;
  },
  // At once when there is already something to do: a command may arrive before the run starts waiting.
  untilResumed: () => (!paused || stopRequested || manualSteps.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => (wake = resolve))),
  takeManualStep: () => manualSteps.shift(),
};

const requestStop = () => {
  stopRequested = true;
  wake?.();
};

/** Events go to the parent while it listens; once it has gone they are dropped, never thrown. */
const send = (message: TrainingProcessMessage, then?: () => void) => {
  try {
    if (parentPort) {
      parentPort.postMessage(message);
      return then?.();
    }
    if (!process.connected) return then?.();
    process.send!(message, undefined, {}, () => then?.());
  } catch {
    then?.();
  }
};

const onCommand = (command: TrainingCommand) => {
  switch (command.type) {
    case 'start':
      if (started) return;
      started = true;
      // Loaded here, not at the top: the signal handlers below must be in place before the
      // second or so TensorFlow.js takes to load, or an early Ctrl-C would kill the process.
      void import('./runTraining.js').then(({ runTraining }) => runTraining(command.request, (event) => send(event), control)).then(() => {
        // Exit only once the last event has left the pipe.
        send({ type: 'ended' }, () => process.exit(0));
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
      requestStop();
      break;
    case 'step':
      // Only a paused run takes steps by hand; the services refuse the request otherwise.
      if (!paused) break;
      manualSteps.push(command.manual);
      wake?.();
      break;
    case 'advice':
      advice = command.view;
      break;
  }
};
if (parentPort) parentPort.on('message', ({ data }) => onCommand(data as TrainingCommand));
else process.on('message', onCommand);

// The parent went away (app closed, crashed or killed): stop cleanly rather than train on unobserved.
process.on('disconnect', () => {
  requestStop();
  // Nothing would start the run any more; a process that never started has nothing to keep.
  if (!started) process.exit(0);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals++;
    if (signals === 1) return requestStop();
    // exit handlers release the project lock; 130 is the shell's code for Ctrl-C.
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

// Output to a parent that has gone must not crash the process before its stop checkpoint.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
