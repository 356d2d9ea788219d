import { mixSeed } from '../../../shared/random.js';

/**
 * Hands out the seeds of dropout masks. The trainer moves it to each step, so a run resumed
 * from a checkpoint draws the very masks the uninterrupted run would have drawn.
 */
export class StepSeeds {
  private base = 0;
  private calls = 0;
  at(runSeed: number, step: number, phase: number): void {
    this.base = mixSeed(runSeed, step, phase);
    this.calls = 0;
  }
  next(): number {
    return mixSeed(this.base, this.calls++);
  }
}

/** Seeds for weight initialisers: the n-th layer built for a run gets the n-th seed. */
export class InitSeeds {
  private n = 0;
  constructor(private readonly runSeed: number) {}
  next(): number {
    return mixSeed(this.runSeed, 0x5eed, this.n++);
  }
}
