import type { QualityRecord } from '../../../shared/quality.js';
import { classCoverage, conditionalAccuracy } from './classMeasures.js';
import { meanPairDistance, pairwiseDistances } from './distances.js';
import { embed } from './embed.js';
import type { FeatureSpace } from './featureSpace.js';
import { standardize } from './features.js';
import { frechetDistance } from './frechetDistance.js';
import { kernelDistance } from './kernelDistance.js';
import { precisionRecall } from './precisionRecall.js';

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
  const generatedDistances = pairwiseDistances(generated, generated);
  const { precision, recall } = precisionRecall(space.reference, generated, { real: space.referenceDistances, generated: generatedDistances });
  const record: QualityRecord = {
    frechetDistance: frechetDistance(generated, space.reference),
    kernelDistance: kernelDistance(generated, space.reference),
    precision,
    recall,
    diversity: meanPairDistance(generatedDistances, generated.count) / space.referenceSpread,
  };
  if (predicted && space.classes.length > 1) {
    record.classCoverage = classCoverage(predicted, space.classCounts);
    if (samples.requested) record.conditionalAccuracy = conditionalAccuracy(predicted, samples.requested);
  }
  return record;
}
