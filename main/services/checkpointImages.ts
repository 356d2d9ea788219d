import { join } from 'node:path';
import sharp from 'sharp';
import type { SampleGrid } from '../../shared/training.js';
import { readCheckpointFile } from '../project/checkpoints.js';

/** Pixels between grid cells, as engine/samples/grid.ts draws them. */
const GAP = 2;

/** The sample grid a checkpoint saved (samples.png), as RGBA bytes with its rows and columns. */
export async function checkpointSamples(checkpointDir: string): Promise<SampleGrid> {
  const file = await readCheckpointFile(checkpointDir);
  const { data, info } = await sharp(join(checkpointDir, 'samples.png')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    rows: Math.max(1, Math.round((info.height + GAP) / (file.image.height + GAP))),
    cols: Math.max(1, Math.round((info.width + GAP) / (file.image.width + GAP))),
    rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}
