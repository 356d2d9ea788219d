/**
 * One definition of "epoch" for every screen, command and file: the epochs completed by a step,
 * step / stepsPerEpoch. Files keep the whole part (`epoch` in checkpoint.json and metrics.jsonl is
 * the number of epochs completed); screens and the command line show the same number with one
 * decimal, rounded down, so the two never disagree: at step 1,195 with 62 steps per epoch it is
 * epoch 19.2 on the progress bar, and the checkpoint written there says epoch 19.
 */
export function epochsDone(step: number, stepsPerEpoch: number): number {
  return stepsPerEpoch > 0 ? Math.floor(step / stepsPerEpoch) : 0;
}

/** The epoch of a step as shown: "19.2", or "20" at an epoch's end. Without stepsPerEpoch, `fallback` (a stored whole epoch). */
export function epochText(step: number, stepsPerEpoch: number, fallback = 0): string {
  if (!(stepsPerEpoch > 0)) return String(fallback);
  const tenths = Math.floor((step * 10) / stepsPerEpoch);
  return tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1);
}

/** "epoch 19.2 of 20": where a run stands against the steps it plans (20 epochs, or fewer under a step cap). */
export const epochProgress = (step: number, totalSteps: number, stepsPerEpoch: number): string =>
  `epoch ${epochText(step, stepsPerEpoch)} of ${epochText(totalSteps, stepsPerEpoch)}`;
