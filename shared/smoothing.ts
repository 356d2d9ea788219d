/**
 * TensorBoard's smoothing: an exponential moving average, debiased so the first points are not
 * pulled towards zero. `weight` 0 leaves the values as they are; 0.99 smooths hard. Kept as a
 * running state so a live chart smooths each new point without going over the old ones.
 */
export class Smoother {
  private last = 0;
  private count = 0;

  constructor(readonly weight: number) {}

  next(value: number): number {
    if (!Number.isFinite(value)) return value;
    this.count++;
    this.last = this.last * this.weight + (1 - this.weight) * value;
    const debias = this.weight === 0 ? 1 : 1 - this.weight ** this.count;
    return this.last / debias;
  }
}

export const smooth = (values: readonly number[], weight: number): number[] => {
  const smoother = new Smoother(weight);
  return values.map((v) => smoother.next(v));
};
