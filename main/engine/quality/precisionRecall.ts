/** Neighbourhood size of Kynkäänniemi et al. 2019 (their recommended k = 3). */
export const NEIGHBOURS = 3;

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019). Each set's manifold is the union of
 * balls around its points reaching to their k-th nearest neighbour (`realRadii`,
 * `generatedRadii`). Precision is the share of generated points inside the real manifold; recall
 * the share of real points inside the generated one. `cross` holds generated-to-real distances,
 * generated x real, row-major.
 */
export function precisionRecall(cross: Float64Array, realRadii: Float64Array, generatedRadii: Float64Array): { precision: number; recall: number } {
  const realCount = realRadii.length;
  const generatedCount = generatedRadii.length;
  let inReal = 0;
  for (let g = 0; g < generatedCount; g++) {
    for (let r = 0; r < realCount; r++) {
      if (cross[g * realCount + r] <= realRadii[r]) {
        inReal++;
        break;
      }
    }
  }
  let inGenerated = 0;
  for (let r = 0; r < realCount; r++) {
    for (let g = 0; g < generatedCount; g++) {
      if (cross[g * realCount + r] <= generatedRadii[g]) {
        inGenerated++;
        break;
      }
    }
  }
  return { precision: inReal / generatedCount, recall: inGenerated / realCount };
}
