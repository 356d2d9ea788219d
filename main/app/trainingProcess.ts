import { utilityProcess } from 'electron';
import type { TrainingProcessMessage } from '../../shared/training.js';
import type { LaunchTraining } from '../engine/training/startTraining.js';

/**
 * In the desktop app training runs in an Electron utility process: the packaged app turns off the
 * run-as-node fuse, and child_process.fork from the main process depends on it. Same entry script,
 * same messages; the process speaks through process.parentPort.
 */
export const utilityTraining: LaunchTraining = (entry, env) => {
  const child = utilityProcess.fork(entry, [], { env, stdio: ['ignore', 'inherit', 'pipe'], serviceName: 'GAN Studio training' });
  let alive = true;
  child.once('exit', () => (alive = false));
  return {
    get pid() {
      return child.pid;
    },
    get stderr() {
      return child.stderr;
    },
    send: (command) => {
      if (alive) child.postMessage(command);
    },
    onMessage: (listener) => child.on('message', (message: TrainingProcessMessage) => listener(message)),
    // Electron reports the exit code only; a crash shows as a non-zero code.
    onExit: (listener) => child.on('exit', (code) => listener(code, null)),
  };
};
