import type * as tf from '@tensorflow/tfjs';
import { isLabelled } from '../../../shared/dataset.js';
import type { FeatureNetKind } from '../../../shared/quality.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import type { Dataset } from '../../data/datasetCache.js';
import { distancesFromDots, kthNeighbourDistances, meanPairDistance } from './distances.js';
import { selfDotProducts, squaredNorms } from './dotProducts.js';
import { embed } from './embed.js';
import { datasetFingerprint, featureNetDir, loadFeatureNet, saveFeatureNet } from './featureCache.js';
import { fitStandardizer, standardize, type Features, type Standardizer } from './features.js';
import { meanKernel } from './kernelDistance.js';
import { pickImages } from './pixels.js';
import { NEIGHBOURS } from './precisionRecall.js';
import { MIN_IMAGES_FOR_QUALITY, splitForQuality } from './splits.js';
import { trainFeatureNet, type FeatureTrainingHooks } from './trainFeatureNet.js';

const FEATURE_NET_SEED = 0xfea;

/** Everything measuring a sample set needs, prepared once per dataset (per run in training). */
export interface FeatureSpace {
  kind: FeatureNetKind;
  net: tf.LayersModel;
  image: { height: number; width: number; channels: number };
  /** Class names and counts of the dataset; empty when unlabelled. */
  classes: string[];
  classCounts: number[];
  standardizer: Standardizer;
  /** Standardized features of the real reference images, and what every measurement needs of them, computed once. */
  reference: Features;
  referenceNorms: Float64Array;
  /** Each reference image's distance to its k-th nearest neighbour: the real manifold of precision. */
  referenceRadii: Float64Array;
  /** Mean KID kernel between distinct reference images. */
  referenceKernel: number;
  /** Mean distance between two reference images: the yardstick of sample spread. */
  referenceSpread: number;
  /** Held-out real images (and labels) measured like samples to show what a perfect generator scores. */
  baseline: { images: Uint8Array; labels: Uint8Array; count: number };
  heldOutAccuracy?: number;
  /** True when the network came from the cache; `seconds` is then the time its training took originally. */
  cached: boolean;
  seconds: number;
  dispose(): void;
}

/**
 * Loads the project's cached feature network for this dataset, or trains one (reporting
 * progress) and caches it. Fails, as data, on a dataset too small to measure or when stopped.
 */
export async function openFeatureSpace(projectDir: string, dataset: Dataset, hooks: FeatureTrainingHooks = {}): Promise<Result<FeatureSpace>> {
  const { manifest } = dataset;
  if (manifest.count < MIN_IMAGES_FOR_QUALITY) {
    return fail(`Quality measures need at least ${MIN_IMAGES_FOR_QUALITY} images to hold some out; this dataset has ${manifest.count}.`);
  }
  const image = { height: manifest.height, width: manifest.width, channels: manifest.channels };
  const labelled = isLabelled(manifest);
  const kind: FeatureNetKind = labelled ? 'classifier' : 'autoencoder';
  const split = splitForQuality(manifest.count);
  const fingerprint = datasetFingerprint(dataset);
  const dir = featureNetDir(projectDir, fingerprint);

  let cached = true;
  let seconds = 0;
  let net: tf.LayersModel;
  const found = await loadFeatureNet(dir, fingerprint);
  if (found) {
    net = found.model;
    seconds = found.info.seconds;
  } else {
    cached = false;
    const started = performance.now();
    const trained = await trainFeatureNet(dataset, split.train, { kind, image, classes: labelled ? manifest.classes.length : 0 }, FEATURE_NET_SEED, hooks);
    if (!trained) return fail('Stopped before the feature network was ready; this run is not measured.');
    net = trained;
    seconds = (performance.now() - started) / 1000;
  }

  const imageSize = image.height * image.width * image.channels;
  const referenceImages = pickImages(dataset.images, imageSize, split.reference);
  const embedded = await embed(net, referenceImages, image, split.reference.length);
  const standardizer = fitStandardizer(embedded.features);
  const reference = standardize(embedded.features, standardizer);
  const referenceDots = selfDotProducts(reference);
  const referenceNorms = squaredNorms(referenceDots, reference.count);
  const referenceDistances = distancesFromDots(referenceDots, referenceNorms, referenceNorms);
  const baseline = {
    images: pickImages(dataset.images, imageSize, split.baseline),
    labels: Uint8Array.from(split.baseline, (i) => dataset.labels[i]),
    count: split.baseline.length,
  };

  let heldOutAccuracy: number | undefined;
  if (embedded.predicted) {
    const right = embedded.predicted.reduce((sum, k, i) => sum + (k === dataset.labels[split.reference[i]] ? 1 : 0), 0);
    heldOutAccuracy = right / split.reference.length;
  }
  if (!cached) await saveFeatureNet(dir, net, { fingerprint, kind, classes: labelled ? manifest.classes.length : 0, trainedOn: split.train.length, heldOutAccuracy, seconds, createdAt: new Date().toISOString() });

  return ok({
    kind,
    net,
    image,
    classes: labelled ? manifest.classes : [],
    classCounts: labelled ? manifest.classCounts : [],
    standardizer,
    reference,
    referenceNorms,
    referenceRadii: kthNeighbourDistances(referenceDistances, reference.count, NEIGHBOURS),
    referenceKernel: meanKernel(referenceDots, reference.count, reference.count, reference.dim, true),
    referenceSpread: meanPairDistance(referenceDistances, reference.count),
    baseline,
    heldOutAccuracy,
    cached,
    seconds,
    dispose: () => net.dispose(),
  });
}
