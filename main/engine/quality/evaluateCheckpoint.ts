import { join } from 'node:path';
import { checkpointFileSchema } from '../../../shared/checkpoint.js';
import { presets } from '../../../shared/presets.js';
import { bestCheckpoint, DEFAULT_QUALITY_MEASURE, type CheckpointEvaluation, type MeasureId } from '../../../shared/quality.js';
import { openDataset } from '../../data/datasetCache.js';
import { writeJsonAtomic } from '../../project/atomicWrite.js';
import { lockProject } from '../../project/lock.js';
import { withCheckpoint } from '../../project/findCheckpoint.js';
import { openGenerator } from '../checkpoint/openGenerator.js';
import { alarmContext, collapseAlarm } from './collapseAlarm.js';
import { resolveParams } from '../models/buildModels.js';
import { savedParams } from '../../../shared/recipes.js';
import { DEFAULT_SAMPLE_SEED, drawSamples, realSamples, sampleCount } from './drawSamples.js';
import { openFeatureSpace } from './featureSpace.js';
import { measureSamples } from './measureSamples.js';
import type { FeatureTrainingHooks } from './trainFeatureNet.js';

export interface EvaluateOptions extends FeatureTrainingHooks {
  /** Seed of the generator's noise; the default reproduces the measures stored during training. */
  seed?: number;
  measure?: MeasureId;
  /** Write the measures into checkpoint.json (only at the default seed, so stored numbers stay comparable). */
  save?: boolean;
}

/**
 * Measures one checkpoint (the latest of the latest run unless named) exactly as training does,
 * training the project's feature network first if it is not cached yet.
 */
export async function evaluateCheckpoint(projectDir: string, wanted: { runId?: string; checkpointId?: string }, options: EvaluateOptions = {}): Promise<CheckpointEvaluation> {
  const started = performance.now();
  const seed = options.seed ?? DEFAULT_SAMPLE_SEED;
  const measure = options.measure ?? DEFAULT_QUALITY_MEASURE;
  // Saving writes into a checkpoint, so it is writing to the project: refused at once while a run
  // (or an import) writes to it; measuring without saving is a read and always allowed.
  const lock = options.save ? await lockProject(projectDir, 'saving measures into a checkpoint') : undefined;
  try {
    return await measureCheckpoint(projectDir, wanted, options, started, seed, measure);
  } finally {
    await lock?.release();
  }
}

async function measureCheckpoint(projectDir: string, wanted: { runId?: string; checkpointId?: string }, options: EvaluateOptions, started: number, seed: number, measure: MeasureId): Promise<CheckpointEvaluation> {
  const dataset = await openDataset(projectDir);
  const { found, file, models } = await withCheckpoint(projectDir, wanted, async (found) => ({ found, ...(await openGenerator(found.dir)) }));
  try {
    const { manifest } = dataset;
    if (file.image.height !== manifest.height || file.image.width !== manifest.width || file.image.channels !== manifest.channels) {
      throw new Error(
        `${found.runId}/${found.checkpoint.id} makes ${file.image.width}x${file.image.height}x${file.image.channels} images, but the project's dataset is now ${manifest.width}x${manifest.height}x${manifest.channels}; it can only be measured against the images it was trained on.`,
      );
    }
    const opened = await openFeatureSpace(projectDir, dataset, options);
    if (!opened.ok) throw new Error(opened.error);
    const space = opened.value;
    try {
      const count = sampleCount(space, presets[file.preset].convolutional);
      const quality = await measureSamples(space, await drawSamples(models, space, count, seed));
      const real = await measureSamples(space, realSamples(space, count, models.conditional));
      const checkpoint = { ...found.checkpoint, quality };
      const earlier = found.all.filter((c) => c.step < checkpoint.step);
      const best = bestCheckpoint(found.all.map((c) => (c.id === checkpoint.id ? checkpoint : c)), measure);
      const saved = Boolean(options.save) && seed === DEFAULT_SAMPLE_SEED;
      if (saved) await writeJsonAtomic(join(found.dir, 'checkpoint.json'), checkpointFileSchema.parse({ ...file, quality }));
      return {
        runId: found.runId,
        checkpoint,
        preset: file.preset,
        quality,
        featureNet: { kind: space.kind, heldOutAccuracy: space.heldOutAccuracy, sampleCount: count, referenceCount: space.reference.count, real, cached: space.cached },
        alarm: collapseAlarm(earlier, checkpoint, alarmContext(presets[file.preset].conditional, resolveParams(file.preset, savedParams(file.params)), manifest)),
        best: best ? { checkpointId: best.id, step: best.step, value: best.quality![measure]! } : undefined,
        measure,
        seed,
        saved,
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      space.dispose();
    }
  } finally {
    models.generator.dispose();
  }
}
