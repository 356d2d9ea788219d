import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION, type CheckpointFile } from '../../../shared/checkpoint.js';
import { isLabelled } from '../../../shared/dataset.js';
import type { ImportedGenerator } from '../../../shared/handoff.js';
import { presets } from '../../../shared/presets.js';
import { RUN_FORMAT, RUN_FORMAT_VERSION, type RunInfo } from '../../../shared/training.js';
import { makeStagingDir } from '../../project/atomicWrite.js';
import { checkpointId, projectLayout } from '../../project/layout.js';
import { parseMetricsLog } from '../../project/metricsLog.js';
import { openProject } from '../../project/project.js';
import { writeCheckpointFile } from '../../project/checkpoints.js';
import { lockProject } from '../../project/lock.js';
import { claimRunId } from '../../project/runs.js';
import { writeLayersModel } from '../checkpoint/generatorFiles.js';
import { SAMPLES_FILE, writeGridPng } from '../samples/grid.js';
import { disposeFixedNoise, drawGrid, fixedNoise } from '../samples/sampleGrid.js';
import { readOnnxGenerator } from './generatorFromOnnx.js';

/**
 * Makes a generator in GAN Studio's ONNX contract a run of the project: runs/<new id>/ with
 * run.json (marked imported), a checkpoint at the generator's step holding it as the studio's
 * TF.js model, the fixed-noise sample grid, and the metrics.jsonl found beside the file (the
 * PyTorch job writes one there). Sampling, quality measures and every export then work on it;
 * resuming does not, since it has no discriminator. The generator must draw images of the
 * project's dataset (size, channels and, when conditional, the classes in order), so its
 * measures compare like with like. The run appears only when complete. Needs a TF.js backend.
 */
export async function importGenerator(onnxFile: string, projectDir: string): Promise<ImportedGenerator> {
  const file = resolve(onnxFile);
  const project = await openProject(projectDir);
  const dataset = project.dataset;
  if (!dataset) throw new Error(`${project.path} has no dataset yet: import the images the generator was trained on first, so its samples can be measured against them.`);
  const { metadata, params, models, producer } = await readOnnxGenerator(file);
  try {
    const { height, width, channels } = metadata.image;
    if (height !== dataset.height || width !== dataset.width || channels !== dataset.channels) {
      throw new Error(`${basename(file)} draws ${width}x${height}x${channels} images, but this project's dataset is ${dataset.width}x${dataset.height}x${dataset.channels}; import it into a project holding the dataset it was trained on.`);
    }
    const classes = isLabelled(dataset) ? dataset.classes : [];
    const drawn = metadata.classes.map((c) => c.name);
    if (metadata.conditional && drawn.join('\n') !== classes.join('\n')) {
      throw new Error(`${basename(file)} draws the classes ${drawn.join(', ')}; this project's dataset has ${classes.join(', ') || 'none'} (they must match, in order).`);
    }
    // One writer at a time: the new run is claimed (an empty folder) under the project's lock.
    const lock = await lockProject(project.path, 'importing a generator');
    const runId = await claimRunId(project.path);
    const runDir = projectLayout(project.path).run(runId).dir;
    const staging = await makeStagingDir(runDir);
    try {
      const { step, epoch, seed } = metadata.training;
      const id = checkpointId(step);
      const checkpointDir = join(staging, 'checkpoints', id);
      await writeLayersModel(models.generator, join(checkpointDir, 'generator'));
      const fixed = fixedNoise(models, seed);
      try {
        await writeGridPng(await drawGrid(models, fixed), join(checkpointDir, SAMPLES_FILE));
      } finally {
        disposeFixedNoise(fixed);
      }
      const metrics = await metricsBeside(file);
      if (metrics) {
        await writeFile(join(staging, 'metrics.jsonl'), metrics.text);
        await writeFile(join(checkpointDir, 'metrics.jsonl'), metrics.text);
      }
      const now = new Date().toISOString();
      const checkpoint: CheckpointFile = {
        format: CHECKPOINT_FORMAT,
        version: CHECKPOINT_FORMAT_VERSION,
        id,
        runId,
        step,
        epoch,
        preset: metadata.preset,
        params: params as Record<string, unknown>,
        seed,
        image: { height, width, channels },
        classes,
        dataset: metadata.dataset,
        createdAt: now,
        backend: metadata.training.backend,
      };
      await writeCheckpointFile(checkpointDir, checkpoint);
      const run: RunInfo = {
        format: RUN_FORMAT,
        version: RUN_FORMAT_VERSION,
        id: runId,
        preset: metadata.preset,
        params,
        seed,
        epochs: Math.max(1, epoch),
        stepsPerEpoch: 0,
        createdAt: now,
        status: 'completed',
        imported: { file, producer, trainedBy: metadata.training.backend, importedAt: now },
      };
      await writeFile(join(staging, 'run.json'), JSON.stringify(run, null, 2) + '\n');
      // Replaces only the empty folder claimed above.
      await rename(staging, runDir);
      const trained = metadata.training.backend ? `, trained by ${metadata.training.backend}` : '';
      return {
        runId,
        checkpointId: id,
        step,
        preset: metadata.preset,
        metrics: metrics?.count ?? 0,
        summary: `Imported ${basename(file)} as ${runId}: ${presets[metadata.preset].title}, step ${step}${trained}`,
      };
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      await rm(runDir, { recursive: true, force: true });
      throw error;
    } finally {
      await lock.release();
    }
  } finally {
    models.generator.dispose();
  }
}

/** The metrics.jsonl the PyTorch job writes beside generator.onnx, keeping only lines that are step metrics. */
async function metricsBeside(file: string): Promise<{ text: string; count: number } | null> {
  const text = await readFile(join(dirname(file), 'metrics.jsonl'), 'utf8').catch(() => null);
  if (text === null) return null;
  const lines = parseMetricsLog(text).filter((m) => Number.isInteger(m.step) && Number.isFinite(m.dLoss) && Number.isFinite(m.gLoss));
  return lines.length ? { text: lines.map((m) => JSON.stringify(m)).join('\n') + '\n', count: lines.length } : null;
}
