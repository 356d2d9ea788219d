import sharp from 'sharp';
import { z } from 'zod';
import {
  DATASET_FORMAT,
  DATASET_FORMAT_VERSION,
  builtinDatasetIds,
  channelModes,
  type BuiltinDatasetId,
  type DatasetManifest,
} from '../../../shared/dataset.js';
import { parseOrThrow } from '../../../shared/validation.js';
import { throwIfCancelled } from '../cancel.js';
import { createDatasetWriter } from '../datasetCache.js';
import { DECODES_IN_FLIGHT, type ImportHooks } from '../importFolder.js';
import { mapInOrder } from '../mapInOrder.js';
import type { BuiltinImages } from './builtinImages.js';
import { digits } from './digits.js';
import { fashion } from './fashion.js';
import { shapes, shapesDefaults } from './shapes.js';

export const builtinOptionsSchema = z
  .object({
    /** Side of the square images; each set's own size when left out (shapes 32, digits and fashion 28). */
    size: z.number().int().min(8).max(512).optional(),
    /** Shapes default to rgb, digits and fashion to gray. */
    channels: z.enum(channelModes).optional(),
    /** At most this many images (all of them when left out; shapes make 2,000). */
    count: z.number().int().min(1).optional(),
    /** Seed of the shapes generator; the other sets are fixed data. */
    seed: z.number().int().optional(),
  })
  .strict();
export type BuiltinOptions = z.input<typeof builtinOptionsSchema>;

/**
 * Writes a built-in dataset into the project the same way importFolder writes an imported one (staging folder,
 * atomic swap, cancel with an 'AbortError'), with manifest.source = { kind: 'builtin', id }.
 */
export async function importBuiltin(
  id: BuiltinDatasetId,
  projectDir: string,
  options: BuiltinOptions = {},
  hooks: ImportHooks = {},
): Promise<DatasetManifest> {
  const { signal, onProgress } = hooks;
  if (!builtinDatasetIds.includes(id)) {
    throw new Error(`Unknown built-in dataset "${String(id)}"; choose one of ${builtinDatasetIds.join(', ')}.`);
  }
  const opts = parseOrThrow(builtinOptionsSchema, options, 'built-in dataset options');
  throwIfCancelled(signal, 'Import');
  const source = await load(id, opts);
  throwIfCancelled(signal, 'Import');

  const size = opts.size ?? source.size;
  const channels = opts.channels === undefined ? source.channels : opts.channels === 'gray' ? 1 : 3;
  const resize = source.size !== size || source.channels !== channels;
  const convert = async (item: { pixels: Uint8Array; label: number }) =>
    resize && !signal?.aborted ? { ...item, pixels: await resizeRaw(item.pixels, source, size, channels) } : item;

  const writer = await createDatasetWriter(projectDir, size * size * channels);
  const labels = new Uint8Array(source.count);
  const classCounts = new Array<number>(source.classes.length).fill(0);
  let done = 0;
  onProgress?.({ done, total: source.count, skipped: 0 });
  try {
    for await (const { pixels, label } of mapInOrder(source.images(), DECODES_IN_FLIGHT, convert)) {
      throwIfCancelled(signal, 'Import');
      await writer.append(pixels);
      labels[done++] = label;
      classCounts[label]++;
      onProgress?.({ done, total: source.count, skipped: 0 });
    }
    const manifest: DatasetManifest = {
      format: DATASET_FORMAT,
      version: DATASET_FORMAT_VERSION,
      name: source.name,
      source: { kind: 'builtin', id },
      count: done,
      width: size,
      height: size,
      channels,
      // Square sources to square images: nothing is cropped or padded.
      fit: 'stretch',
      classes: source.classes,
      classCounts,
      skipped: [],
      createdAt: new Date().toISOString(),
    };
    throwIfCancelled(signal, 'Import');
    return await writer.publish(manifest, labels.subarray(0, done));
  } catch (error) {
    await writer.discard();
    throw error;
  }
}

function load(id: BuiltinDatasetId, opts: z.output<typeof builtinOptionsSchema>): Promise<BuiltinImages> | BuiltinImages {
  switch (id) {
    case 'shapes':
      // Drawn at the asked size and channels directly: sharper than drawing small and resizing.
      return shapes({
        size: opts.size ?? shapesDefaults.size,
        channels: opts.channels === 'gray' ? 1 : 3,
        count: opts.count ?? shapesDefaults.count,
        seed: opts.seed ?? shapesDefaults.seed,
      });
    case 'digits':
      return digits({ count: opts.count });
    case 'fashion':
      return fashion({ count: opts.count });
  }
}

/** Resizes one raw image; a 1-channel raw input must be described as such or sharp would read it as RGB. */
async function resizeRaw(pixels: Uint8Array, from: { size: number; channels: 1 | 3 }, size: number, channels: 1 | 3): Promise<Uint8Array> {
  const { data, info } = await sharp(pixels, { raw: { width: from.size, height: from.size, channels: from.channels } })
    .resize({ width: size, height: size, fit: 'fill' })
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size || info.channels !== channels) {
    throw new Error(`Resizing gave ${info.width}x${info.height}x${info.channels} instead of ${size}x${size}x${channels}.`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export { shapes, digits, fashion };
export type { BuiltinImages };
