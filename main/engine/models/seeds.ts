/** Small deterministic integer hashing so every random draw is a pure function of (seed, step, k). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h ^= part >>> 0;
    h = Math.imul(h, 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 13;
  }
  return (h >>> 0) % 2147483647;
}

/** mulberry32: a fast seeded PRNG for shuffles and label draws (not for cryptography). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
