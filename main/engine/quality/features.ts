/** Feature vectors of a set of images: `count` rows of `dim` floats, row-major. */
export interface Features {
  count: number;
  dim: number;
  data: Float64Array;
}

export const row = (f: Features, i: number): Float64Array => f.data.subarray(i * f.dim, (i + 1) * f.dim);

/** Per-dimension mean and standard deviation. */
export function columnStats(f: Features): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(f.dim);
  const std = new Float64Array(f.dim);
  for (let i = 0; i < f.count; i++) for (let j = 0; j < f.dim; j++) mean[j] += f.data[i * f.dim + j];
  for (let j = 0; j < f.dim; j++) mean[j] /= f.count;
  for (let i = 0; i < f.count; i++) {
    for (let j = 0; j < f.dim; j++) {
      const d = f.data[i * f.dim + j] - mean[j];
      std[j] += d * d;
    }
  }
  for (let j = 0; j < f.dim; j++) std[j] = Math.sqrt(std[j] / Math.max(1, f.count - 1));
  return { mean, std };
}

/** A rescaling fitted on the real reference set, applied to every feature set before measuring. */
export interface Standardizer {
  mean: Float64Array;
  /** One scale for every dimension: the root mean square of the real images' per-dimension spread. */
  scale: number;
  /** Dimensions that vary among real images; constant ones carry no information and are dropped. */
  keep: number[];
}

/**
 * Centres features on the real images and divides them by one overall scale, so distances are in
 * units of the real data's typical spread whatever the network's scale. One scale rather than one
 * per dimension keeps the network's own weighting: dividing each dimension by its own spread
 * would blow up directions real images barely use, and tiny artefacts along them would swamp
 * the measures.
 */
export function fitStandardizer(reference: Features): Standardizer {
  const { mean, std } = columnStats(reference);
  const keep = [...std.keys()].filter((j) => std[j] > 1e-6);
  const scale = Math.sqrt(keep.reduce((sum, j) => sum + std[j] * std[j], 0) / Math.max(1, keep.length)) || 1;
  return { mean, scale, keep };
}

export function standardize(f: Features, s: Standardizer): Features {
  const dim = s.keep.length;
  const data = new Float64Array(f.count * dim);
  for (let i = 0; i < f.count; i++) {
    for (let k = 0; k < dim; k++) {
      const j = s.keep[k];
      data[i * dim + k] = (f.data[i * f.dim + j] - s.mean[j]) / s.scale;
    }
  }
  return { count: f.count, dim, data };
}
