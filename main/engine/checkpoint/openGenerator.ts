import { join } from 'node:path';
import type { CheckpointFile } from '../../../shared/checkpoint.js';
import { presets } from '../../../shared/presets.js';
import type { GanModels } from '../models/imageShape.js';
import { readCheckpointFile } from '../../project/checkpoints.js';
import { readLayersModel } from './generatorFiles.js';

export type TrainedGenerator = Pick<GanModels, 'generator' | 'conditional' | 'noiseSize' | 'shape'>;

/** Loads the generator of a checkpoint for sampling, evaluation and export (no D, no optimizers). */
export async function openGenerator(checkpointDir: string): Promise<{ file: CheckpointFile; models: TrainedGenerator }> {
  const file = await readCheckpointFile(checkpointDir);
  const generator = await readLayersModel(join(checkpointDir, 'generator'));
  const noiseSize = generator.inputs[0].shape[1] as number;
  return {
    file,
    models: {
      generator,
      conditional: presets[file.preset].conditional,
      noiseSize,
      shape: { ...file.image, classes: file.classes.length },
    },
  };
}
