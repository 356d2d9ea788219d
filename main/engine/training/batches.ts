import type { Dataset } from '../../data/datasetCache.js';
import { mixSeed, seededRandom } from '../../../shared/random.js';

/** uint8 -> [-1, 1], looked up rather than computed per pixel. */
const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 127.5 - 1);

/**
 * Real batches sliced from the uint8 cache and scaled on the fly into one reused buffer, so the
 * dataset is never held as float32. Batch b of a run is a pure function of (seed, b): epochs are
 * seeded shuffles and the last partial batch of an epoch is dropped.
 */
export class RealBatches {
  readonly batchesPerEpoch: number;
  readonly pixels: Float32Array;
  readonly labels: Float32Array;
  private order: Uint32Array;
  private orderEpoch = -1;
  private readonly imageSize: number;

  constructor(
    private readonly dataset: Dataset,
    readonly batchSize: number,
    private readonly seed: number,
  ) {
    const { count, height, width, channels } = dataset.manifest;
    this.imageSize = height * width * channels;
    this.batchesPerEpoch = Math.floor(count / batchSize);
    if (this.batchesPerEpoch < 1) throw new Error(`Batch size ${batchSize} is larger than the dataset (${count} images)`);
    this.pixels = new Float32Array(batchSize * this.imageSize);
    this.labels = new Float32Array(batchSize);
    this.order = new Uint32Array(count);
  }

  /** Fills `pixels` and `labels` with global batch number `b` (counting from the start of the run). */
  fill(b: number): void {
    const epoch = Math.floor(b / this.batchesPerEpoch);
    if (epoch !== this.orderEpoch) this.shuffle(epoch);
    const first = (b % this.batchesPerEpoch) * this.batchSize;
    const { images, labels } = this.dataset;
    const size = this.imageSize;
    for (let i = 0; i < this.batchSize; i++) {
      const index = this.order[first + i];
      const src = index * size;
      const dst = i * size;
      for (let p = 0; p < size; p++) this.pixels[dst + p] = SCALE[images[src + p]];
      this.labels[i] = labels[index];
    }
  }

  private shuffle(epoch: number): void {
    const random = seededRandom(mixSeed(this.seed, 0x5eaf, epoch));
    const order = this.order;
    for (let i = 0; i < order.length; i++) order[i] = i;
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    this.orderEpoch = epoch;
  }
}
