/** Steps per second over a sliding window of recent steps, for images/s and the ETA. */
export class RateMeter {
  private marks: { step: number; time: number }[] = [];
  constructor(private readonly windowMs = 5000) {}

  /** Starts measuring afresh (after a pause the idle time must not count). */
  mark(step: number, time = performance.now()): void {
    this.marks = [{ step, time }];
  }

  stepsPerSec(step: number, time = performance.now()): number {
    this.marks.push({ step, time });
    while (this.marks.length > 2 && time - this.marks[1].time > this.windowMs) this.marks.shift();
    const first = this.marks[0];
    const seconds = (time - first.time) / 1000;
    return seconds > 0 ? (step - first.step) / seconds : 0;
  }

  imagesPerSec(step: number, imagesPerStep: number): number {
    return this.stepsPerSec(step) * imagesPerStep;
  }

  etaSeconds(step: number, totalSteps: number): number {
    const last = this.marks.at(-1);
    const first = this.marks[0];
    if (!last || last.time === first.time) return 0;
    const perSec = (last.step - first.step) / ((last.time - first.time) / 1000);
    return perSec > 0 ? (totalSteps - step) / perSec : 0;
  }
}
