import { isLabelled } from '../../../shared/dataset.js';
import type { Dataset } from '../datasetCache.js';
import { npyInt64, npyStrings, npyUint8 } from './npy.js';
import { ZipWriter } from './zipWriter.js';

/**
 * The dataset as numpy's savez writes it: images (uint8, N x H x W x C, the studio's own
 * channels-last layout), labels (int64, N; all 0 when the dataset has no classes) and
 * class_names (unicode, in label order; empty when unlabelled). np.load reads it without pickle.
 */
export async function writeDatasetNpz(dataset: Dataset, path: string): Promise<void> {
  const { manifest, images, labels } = dataset;
  const arrays = {
    images: npyUint8(images, [manifest.count, manifest.height, manifest.width, manifest.channels]),
    labels: npyInt64(labels),
    class_names: npyStrings(isLabelled(manifest) ? manifest.classes : []),
  };
  const zip = await ZipWriter.create(path);
  try {
    for (const [name, array] of Object.entries(arrays)) await zip.add(`${name}.npy`, [array.header, array.data]);
    await zip.close();
  } catch (error) {
    await zip.abandon();
    throw error;
  }
}
