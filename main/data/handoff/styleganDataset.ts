import sharp from 'sharp';
import { isLabelled } from '../../../shared/dataset.js';
import { isStyleganResolution } from '../../../shared/handoff.js';
import { throwIfCancelled } from '../cancel.js';
import type { Dataset } from '../datasetCache.js';
import { bytesPerImage } from '../datasetCache.js';
import { DECODES_IN_FLIGHT } from '../importFolder.js';
import { mapInOrder } from '../mapInOrder.js';
import { ZipWriter } from './zipWriter.js';

export interface DatasetExportHooks {
  onProgress?: (done: number, total: number) => void;
  /** Aborting stops between images; the caller removes the unfinished file (an 'AbortError' is thrown). */
  signal?: AbortSignal;
}

/** The side StyleGAN gets: the one asked for, else the images' own when it is a power of two, else the next power of two up. */
export function styleganResolution(manifest: Dataset['manifest'], wanted?: number): { resolution: number; notes: string[] } {
  const { width, height } = manifest;
  const side = Math.max(width, height);
  if (wanted !== undefined) {
    if (!isStyleganResolution(wanted)) throw new Error(`--resolution must be a power of two of 4 or more (StyleGAN's networks need one), got ${wanted}`);
    return { resolution: wanted, notes: wanted === width && wanted === height ? [] : [`Images resized from ${width}x${height} to ${wanted}x${wanted}.`] };
  }
  if (width === height && isStyleganResolution(side)) return { resolution: side, notes: [] };
  let resolution = 4;
  while (resolution < side) resolution *= 2;
  const why = width !== height ? `${width}x${height} is not square` : `${width}x${height} is not a power of two`;
  return {
    resolution,
    notes: [`${why}, and StyleGAN needs square power-of-two images: resized to ${resolution}x${resolution} (choose another size with --resolution, e.g. ${resolution / 2}).`],
  };
}

/** StyleGAN's file name for image i, as dataset_tool.py names it: 00000/img00000000.png. */
export function styleganImageName(index: number): string {
  const id = String(index).padStart(8, '0');
  return `${id.slice(0, 5)}/img${id}.png`;
}

/**
 * Writes the dataset as StyleGAN2-ADA's dataset_tool.py writes a zip: stored (uncompressed)
 * entries, one uncompressed 8-bit PNG per image (grayscale or RGB, no alpha), and dataset.json
 * with `labels` as [file, class] pairs (null when the dataset has no classes). dataset.json also
 * names the classes under `class_names`, which StyleGAN's loader ignores.
 */
export async function writeStyleganZip(dataset: Dataset, path: string, resolution: number, hooks: DatasetExportHooks = {}): Promise<void> {
  const { manifest, images, labels } = dataset;
  const { width, height, channels, count } = manifest;
  const size = bytesPerImage(manifest);
  const labelled = isLabelled(manifest);
  const zip = await ZipWriter.create(path);
  try {
    const encode = (i: number): Promise<Buffer> => {
      let image = sharp(images.subarray(i * size, (i + 1) * size), { raw: { width, height, channels } });
      if (width !== resolution || height !== resolution) image = image.resize(resolution, resolution, { fit: 'fill', kernel: 'lanczos3' });
      // A one-channel raw image would otherwise come out as RGB; StyleGAN reads the PNG's own channels.
      return image.toColourspace(channels === 1 ? 'b-w' : 'srgb').png({ compressionLevel: 0 }).toBuffer();
    };
    const indices = Array.from({ length: count }, (_, i) => i);
    let done = 0;
    hooks.onProgress?.(0, count);
    for await (const png of mapInOrder(indices, DECODES_IN_FLIGHT, encode)) {
      throwIfCancelled(hooks.signal, 'The StyleGAN dataset export');
      await zip.add(styleganImageName(done), png);
      done++;
      if (done % 100 === 0 || done === count) hooks.onProgress?.(done, count);
    }
    const json = {
      labels: labelled ? indices.map((i) => [styleganImageName(i), labels[i]]) : null,
      class_names: labelled ? manifest.classes : [],
    };
    await zip.add('dataset.json', new TextEncoder().encode(JSON.stringify(json)));
    await zip.close();
  } catch (error) {
    await zip.abandon();
    throw error;
  }
}
