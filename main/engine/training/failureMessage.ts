import { diskFullMessage, isDiskFull } from '../../project/diskFull.js';

/** The message of a run that failed on an error: a full disk is said in words, with what was kept. */
export function explainFailure(error: unknown, lastCheckpointStep: number): string {
  if (isDiskFull(error)) {
    const kept = lastCheckpointStep >= 0 ? `The last complete checkpoint (step ${lastCheckpointStep}) is kept` : 'The complete checkpoints written before are kept';
    return diskFullMessage('training could not write its files', kept, 'resume the run');
  }
  return error instanceof Error ? error.message : String(error);
}
