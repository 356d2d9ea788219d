/**
 * Class coverage: the overlap of the class mix the feature network sees in the samples with the
 * real class mix, sum over k of min(p_k, q_k). 1 is the same mix; a generator that draws one class
 * only scores that class's real share.
 */
export function classCoverage(predicted: Uint8Array, realMix: readonly number[]): number {
  const total = realMix.reduce((a, b) => a + b, 0);
  const counts = new Array<number>(realMix.length).fill(0);
  for (const k of predicted) counts[k]++;
  return counts.reduce((sum, n, k) => sum + Math.min(n / predicted.length, realMix[k] / total), 0);
}

/** Share of samples the feature network puts in the class they were asked for. */
export function conditionalAccuracy(predicted: Uint8Array, requested: Uint8Array): number {
  let hits = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === requested[i]) hits++;
  return hits / predicted.length;
}

/**
 * `count` labels whose mix follows `classCounts` as closely as whole numbers allow (largest
 * remainders), interleaved so any prefix is mixed too.
 */
export function labelsLike(classCounts: readonly number[], count: number): Uint8Array {
  const total = classCounts.reduce((a, b) => a + b, 0);
  const exact = classCounts.map((n) => (n / total) * count);
  const whole = exact.map(Math.floor);
  const order = exact.map((x, k) => ({ k, rest: x - whole[k] })).sort((a, b) => b.rest - a.rest || a.k - b.k);
  for (let i = 0; i < count - whole.reduce((a, b) => a + b, 0); i++) whole[order[i].k]++;
  const labels = new Uint8Array(count);
  const given = new Array<number>(classCounts.length).fill(0);
  for (let i = 0; i < count; i++) {
    // Next label: the class furthest behind its target share so far.
    let pick = 0;
    let worst = Infinity;
    for (let k = 0; k < whole.length; k++) {
      if (given[k] >= whole[k]) continue;
      const progress = given[k] / whole[k];
      if (progress < worst) {
        worst = progress;
        pick = k;
      }
    }
    labels[i] = pick;
    given[pick]++;
  }
  return labels;
}
