import type { Dataset } from '../main/data/datasetCache.js';
import { DATASET_FORMAT, DATASET_FORMAT_VERSION } from '../shared/dataset.js';

/**
 * An in-memory dataset of MNIST's shape (28x28 grey, 10 classes) filled with seeded noise.
 * Speed does not depend on what the pixels show, and the bench must not need any download.
 */
export function syntheticDataset(count = 4096, size = 28, channels: 1 | 3 = 1, classes = 10): Dataset {
  const images = new Uint8Array(count * size * size * channels);
  let state = 12345;
  for (let i = 0; i < images.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    images[i] = state >>> 24;
  }
  const labels = Uint8Array.from({ length: count }, (_, i) => i % classes);
  return {
    manifest: {
      format: DATASET_FORMAT,
      version: DATASET_FORMAT_VERSION,
      name: 'synthetic',
      source: { kind: 'builtin', id: 'digits' },
      count,
      width: size,
      height: size,
      channels,
      fit: 'stretch',
      classes: Array.from({ length: classes }, (_, c) => String(c)),
      classCounts: Array.from({ length: classes }, (_, c) => Math.floor(count / classes) + (c < count % classes ? 1 : 0)),
      skipped: [],
      createdAt: new Date(0).toISOString(),
    },
    images,
    labels,
  };
}
