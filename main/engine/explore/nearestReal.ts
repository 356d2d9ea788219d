import type * as tf from '@tensorflow/tfjs';
import { isLabelled } from '../../../shared/dataset.js';
import type { NearestImages, NearestResult } from '../../../shared/explore.js';
import type { Dataset } from '../../data/datasetCache.js';
import { embed } from '../quality/embed.js';
import { datasetFingerprint, featureNetDir, loadFeatureNet } from '../quality/featureCache.js';
import { openFeatureSpace } from '../quality/featureSpace.js';
import { pickImages } from '../quality/pixels.js';
import { composeGrid } from '../samples/grid.js';

type Image = { height: number; width: number; channels: number };

/** The `k` smallest of `count` distances, nearest first (ties: the earlier image first). */
export function nearestOf(count: number, k: number, distance: (i: number) => number): { indices: number[]; distances: number[] } {
  const indices: number[] = [];
  const distances: number[] = [];
  for (let i = 0; i < count; i++) {
    const d = distance(i);
    if (indices.length === k && d >= distances[k - 1]) continue;
    let at = Math.min(indices.length, k - 1);
    while (at > 0 && distances[at - 1] > d) at--;
    indices.splice(at, 0, i);
    distances.splice(at, 0, d);
    if (indices.length > k) {
      indices.pop();
      distances.pop();
    }
  }
  return { indices, distances };
}

/** The dataset images nearest to `query` (uint8, H x W x C) by root mean square pixel difference. */
export function nearestByPixels(dataset: Dataset, query: Uint8Array, k: number): { indices: number[]; distances: number[] } {
  const size = query.length;
  return nearestOf(dataset.manifest.count, k, (i) => {
    let sum = 0;
    const at = i * size;
    for (let j = 0; j < size; j++) {
      const d = dataset.images[at + j] - query[j];
      sum += d * d;
    }
    return Math.sqrt(sum / size);
  });
}

/** Features of a whole dataset, kept while the worker lives: embedding every image is the slow part. */
interface DatasetFeatures {
  fingerprint: string;
  net: tf.LayersModel;
  features: Float64Array;
  dim: number;
}
let embedded: DatasetFeatures | null = null;

/**
 * The dataset's images and their features in the project's cached feature network (trained and
 * cached first when there is none, as measuring does); a reason instead when the dataset is too small.
 */
async function datasetFeatures(projectDir: string, dataset: Dataset): Promise<DatasetFeatures | string> {
  const fingerprint = datasetFingerprint(dataset);
  if (embedded?.fingerprint === fingerprint) return embedded;
  let net = (await loadFeatureNet(featureNetDir(projectDir, fingerprint), fingerprint))?.model;
  if (!net) {
    const opened = await openFeatureSpace(projectDir, dataset);
    if (!opened.ok) return opened.error;
    net = opened.value.net;
  }
  const { manifest } = dataset;
  const all = await embed(net, dataset.images, imageOf(dataset), manifest.count);
  embedded?.net.dispose();
  embedded = { fingerprint, net, features: all.features.data, dim: all.features.dim };
  return embedded;
}

/** The dataset images nearest to `query` in the studio's feature space (Euclidean distance between feature vectors). */
export async function nearestByFeatures(projectDir: string, dataset: Dataset, query: Uint8Array, k: number): Promise<{ indices: number[]; distances: number[] } | string> {
  const found = await datasetFeatures(projectDir, dataset);
  if (typeof found === 'string') return found;
  const { features, dim } = found;
  const q = (await embed(found.net, query, imageOf(dataset), 1)).features.data;
  return nearestOf(dataset.manifest.count, k, (i) => {
    let sum = 0;
    for (let j = 0; j < dim; j++) {
      const d = features[i * dim + j] - q[j];
      sum += d * d;
    }
    return Math.sqrt(sum);
  });
}

/** Both neighbour sets of one image, with the images laid out in a row. */
export async function nearestReal(projectDir: string, dataset: Dataset, sample: Uint8Array, k: number): Promise<Omit<NearestResult, 'sample'>> {
  const image = imageOf(dataset);
  if (sample.length !== image.height * image.width * image.channels) {
    throw new Error(`The generator draws images of another size than the project's dataset (${image.width}x${image.height}x${image.channels}); it can only be compared with the images it was trained on.`);
  }
  const wanted = Math.min(k, dataset.manifest.count);
  const pixel = images(dataset, nearestByPixels(dataset, sample, wanted));
  const byFeatures = await nearestByFeatures(projectDir, dataset, sample, wanted);
  return { pixel, feature: typeof byFeatures === 'string' ? { unavailable: byFeatures } : images(dataset, byFeatures) };
}

function images(dataset: Dataset, found: { indices: number[]; distances: number[] }): NearestImages {
  const image = imageOf(dataset);
  const pixels = pickImages(dataset.images, image.height * image.width * image.channels, found.indices);
  const { manifest } = dataset;
  return {
    grid: composeGrid(pixels, image, 1, found.indices.length),
    indices: found.indices,
    distances: found.distances,
    labels: isLabelled(manifest) ? found.indices.map((i) => manifest.classes[dataset.labels[i]] ?? '') : [],
  };
}

const imageOf = (dataset: Dataset): Image => ({ height: dataset.manifest.height, width: dataset.manifest.width, channels: dataset.manifest.channels });
