import type { QualityRecord } from '../../../shared/quality.js';
import { classCoverage, conditionalAccuracy } from './classMeasures.js';
import { distancesFromDots, kthNeighbourDistances, meanPairDistance } from './distances.js';
import { dotProducts, selfDotProducts, squaredNorms } from './dotProducts.js';
import { embed } from './embed.js';
import type { FeatureSpace } from './featureSpace.js';
import { standardize } from './features.js';
import { frechetDistance } from './frechetDistance.js';
import { meanKernel } from './kernelDistance.js';
import { NEIGHBOURS, precisionRecall } from './precisionRecall.js';

/** A set of images to measure: generated ones, or held-out real ones standing in for a perfect generator. */
export interface SampleSet {
  /** uint8, count x H x W x C. */
  images: Uint8Array;
  count: number;
  /** The class each image was asked to be (conditional generators), or its true class (real images). */
  requested?: Uint8Array;
}

/** Every measure that applies to `samples` in `space`. */
export async function measureSamples(space: FeatureSpace, samples: SampleSet): Promise<QualityRecord> {
  const { features, predicted } = await embed(space.net, samples.images, space.image, samples.count);
  const generated = standardize(features, space.standardizer);
  const { reference } = space;
  const n = generated.count;
  // One pass of dot products serves the distances (precision, recall, spread) and the kernel distance.
  const selfDots = selfDotProducts(generated);
  const crossDots = dotProducts(generated, reference);
  const norms = squaredNorms(selfDots, n);
  const generatedDistances = distancesFromDots(selfDots, norms, norms);
  const cross = distancesFromDots(crossDots, norms, space.referenceNorms);
  const { precision, recall } = precisionRecall(cross, space.referenceRadii, kthNeighbourDistances(generatedDistances, n, NEIGHBOURS));
  const dim = generated.dim;
  const record: QualityRecord = {
    frechetDistance: frechetDistance(generated, reference),
    kernelDistance: meanKernel(selfDots, n, n, dim, true) + space.referenceKernel - 2 * meanKernel(crossDots, n, reference.count, dim, false),
    precision,
    recall,
    diversity: meanPairDistance(generatedDistances, n) / space.referenceSpread,
  };
  if (predicted && space.classes.length > 1) {
    record.classCoverage = classCoverage(predicted, space.classCounts);
    if (samples.requested) record.conditionalAccuracy = conditionalAccuracy(predicted, samples.requested);
  }
  // A NaN would be written as null and make checkpoint.json unreadable; a measure that cannot be computed is left out.
  return Object.fromEntries(Object.entries(record).filter(([, v]) => Number.isFinite(v))) as QualityRecord;
}
