import type { Features } from './features.js';
import { kthNeighbourDistances, pairwiseDistances } from './distances.js';

/** Neighbourhood size of Kynkäänniemi et al. 2019 (their recommended k = 3). */
export const NEIGHBOURS = 3;

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019). Each set's manifold is the union of
 * balls around its points reaching to their k-th nearest neighbour. Precision is the share of
 * generated points inside the real manifold; recall the share of real points inside the
 * generated one. `squares` are each set's distances to itself, computed once by the caller.
 */
export function precisionRecall(
  real: Features,
  generated: Features,
  squares: { real: Float64Array; generated: Float64Array },
  k = NEIGHBOURS,
): { precision: number; recall: number } {
  const realRadii = kthNeighbourDistances(squares.real, real.count, k);
  const generatedRadii = kthNeighbourDistances(squares.generated, generated.count, k);
  const cross = pairwiseDistances(generated, real);
  let inReal = 0;
  for (let g = 0; g < generated.count; g++) {
    for (let r = 0; r < real.count; r++) {
      if (cross[g * real.count + r] <= realRadii[r]) {
        inReal++;
        break;
      }
    }
  }
  let inGenerated = 0;
  for (let r = 0; r < real.count; r++) {
    for (let g = 0; g < generated.count; g++) {
      if (cross[g * real.count + r] <= generatedRadii[g]) {
        inGenerated++;
        break;
      }
    }
  }
  return { precision: inReal / generated.count, recall: inGenerated / real.count };
}
