/**
 * Euclidean distances from dot products: |a - b| = sqrt(|a|^2 + |b|^2 - 2 a.b), so one pass of
 * dot products serves both the distances and the kernel of the kernel distance. Rounding can make
 * the square a hair negative for equal points; it is clipped to 0.
 */
export function distancesFromDots(dots: Float64Array, normsA: Float64Array, normsB: Float64Array): Float64Array {
  const out = new Float64Array(dots.length);
  const cols = normsB.length;
  for (let i = 0; i < normsA.length; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = Math.sqrt(Math.max(0, normsA[i] + normsB[j] - 2 * dots[i * cols + j]));
  }
  return out;
}

/** For each row of a square distance matrix, the distance to its k-th nearest other row. */
export function kthNeighbourDistances(square: Float64Array, count: number, k: number): Float64Array {
  const radii = new Float64Array(count);
  const others = new Float64Array(count - 1);
  const rank = Math.min(k, count - 1) - 1;
  for (let i = 0; i < count; i++) {
    let n = 0;
    for (let j = 0; j < count; j++) if (j !== i) others[n++] = square[i * count + j];
    radii[i] = select(others, rank);
  }
  return radii;
}

/** Mean distance over all pairs of distinct rows of a square distance matrix. */
export function meanPairDistance(square: Float64Array, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) for (let j = i + 1; j < count; j++) sum += square[i * count + j];
  return (2 * sum) / (count * (count - 1));
}

/** The value of rank `k` (0 = smallest) by quickselect, reordering `values` in place: linear time instead of a sort per row. */
function select(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}
