import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION, type CheckpointFile } from '../../../shared/checkpoint.js';
import type { SampleGrid } from '../../../shared/training.js';
import { makeStagingDir, publishDirAtomic, syncTree } from '../../project/atomicWrite.js';
import { faultPoint } from '../../project/faultPoints.js';
import { readCheckpointFile, writeCheckpointFile } from '../../project/checkpoints.js';
import { checkpointId } from '../../project/layout.js';
import { SAMPLES_FILE, writeGridPng } from '../samples/grid.js';
import type { StepLosses, Trainer } from '../training/trainer.js';
import { encodeNamedTensors, readNamedTensors, setWeightsInOrder, type NamedTensor } from './weightsFile.js';
import { readLayersWeights, writeLayersModel } from './generatorFiles.js';

export interface CheckpointExtras {
  runId: string;
  datasetName: string;
  classes: string[];
  backend?: string;
  losses?: StepLosses;
  /** The run's metrics log, copied in so the checkpoint holds the metrics up to its step. */
  metricsFile?: string;
  grid: SampleGrid;
  /** Quality measures of this generator, measured before the save. */
  quality?: Record<string, number>;
}

/**
 * Writes a complete checkpoint of `trainer` under `checkpointsDir`: built in a staging folder and
 * renamed into place once every file in it is on the disk (fsync), so a kill or power loss at any
 * instant leaves the previous checkpoints intact and never a half-written one under a real name.
 */
export async function saveCheckpoint(trainer: Trainer, checkpointsDir: string, extras: CheckpointExtras): Promise<CheckpointFile> {
  const id = checkpointId(trainer.step);
  const finalDir = join(checkpointsDir, id);
  const dir = await makeStagingDir(finalDir);
  const { models, config } = trainer;
  let file: CheckpointFile;
  try {
    // generator/ is the generator everyone reads (sampling, measures, exports): G's moving average
    // when the run keeps one. G's own weights, which training continues from, go beside it.
    await writeLayersModel(trainer.sampler.generator, join(dir, 'generator'));
    if (trainer.average) await writeTensors(dir, TRAINED_GENERATOR, namedWeights(models.generator));
    faultPoint('checkpoint:generator-written');
    await writeTensors(dir, 'discriminator', namedWeights(models.discriminator));
    await writeTensors(dir, 'optimizer-g', await trainer.optimizerG.getWeights());
    await writeTensors(dir, 'optimizer-d', await trainer.optimizerD.getWeights());
    await writeGridPng(extras.grid, join(dir, SAMPLES_FILE));
    if (extras.metricsFile) await copyFile(extras.metricsFile, join(dir, 'metrics.jsonl')).catch(ignoreMissing);
    faultPoint('checkpoint:files-written');
    file = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_FORMAT_VERSION,
      id,
      runId: extras.runId,
      step: trainer.step,
      epoch: trainer.epoch,
      preset: config.preset,
      params: config.params as Record<string, unknown>,
      seed: config.seed,
      image: { height: models.shape.height, width: models.shape.width, channels: models.shape.channels },
      classes: extras.classes,
      dataset: { name: extras.datasetName, count: config.dataset.manifest.count },
      createdAt: new Date().toISOString(),
      backend: extras.backend,
      losses: extras.losses,
      quality: extras.quality,
    };
    await writeCheckpointFile(dir, file);
    await syncTree(dir);
    faultPoint('checkpoint:synced');
    await publishDirAtomic(dir, finalDir);
  } catch (error) {
    // A full disk (or any failure) must not leave the half-built folder taking up what space is left.
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  faultPoint('checkpoint:published');
  return file;
}

/** Puts a checkpoint's weights, optimizer state and step into a trainer built with the same config. */
export async function restoreCheckpoint(trainer: Trainer, dir: string): Promise<CheckpointFile> {
  const file = await readCheckpointFile(dir);
  const published = await readLayersWeights(join(dir, 'generator'));
  const trained = trainer.average && existsSync(join(dir, `${TRAINED_GENERATOR}.json`)) ? await readNamedTensors(join(dir, `${TRAINED_GENERATOR}.json`), join(dir, `${TRAINED_GENERATOR}.bin`)) : null;
  const discriminator = await readNamedTensors(join(dir, 'discriminator.json'), join(dir, 'discriminator.bin'));
  try {
    setWeightsInOrder(trainer.models.generator, trained ?? published, 'generator');
    // A checkpoint without G's own weights beside generator/ has G there: the average starts from it.
    if (trainer.average) setWeightsInOrder(trainer.average.generator, published, 'generator average');
    setWeightsInOrder(trainer.models.discriminator, discriminator, 'discriminator');
  } finally {
    tf.dispose([...published, ...(trained ?? []), ...discriminator].map((w) => w.tensor));
  }
  await trainer.optimizerG.setWeights(await readNamedTensors(join(dir, 'optimizer-g.json'), join(dir, 'optimizer-g.bin')));
  await trainer.optimizerD.setWeights(await readNamedTensors(join(dir, 'optimizer-d.json'), join(dir, 'optimizer-d.bin')));
  trainer.step = file.step;
  return file;
}

/** G's own weights when generator/ holds its moving average. */
const TRAINED_GENERATOR = 'generator-trained';

const namedWeights = (model: tf.LayersModel): NamedTensor[] => model.weights.map((w) => ({ name: w.originalName, tensor: w.read() }));

async function writeTensors(dir: string, name: string, tensors: NamedTensor[]): Promise<void> {
  const { spec, data } = await encodeNamedTensors(tensors);
  await writeFile(join(dir, `${name}.json`), spec);
  await writeFile(join(dir, `${name}.bin`), data);
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
