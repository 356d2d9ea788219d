import { copyFile, cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLabelled } from '../../../../shared/dataset.js';
import { PYTORCH_JOB_FILE, PYTORCH_JOB_FORMAT, PYTORCH_JOB_VERSION, type PytorchJobFile } from '../../../../shared/handoff.js';
import { presets } from '../../../../shared/presets.js';
import { AUGMENT_AUTO_BELOW, savedParams } from '../../../../shared/recipes.js';
import { openDataset } from '../../../data/datasetCache.js';
import { writeDatasetNpz } from '../../../data/handoff/npzDataset.js';
import { readCheckpointFile } from '../../../project/checkpoints.js';
import type { FoundCheckpoint } from '../../../project/findCheckpoint.js';
import { projectLayout } from '../../../project/layout.js';
import { readRunInfo } from '../../../project/runs.js';
import { checkPresetFits, resolveParams } from '../../models/buildModels.js';
import { writeExportFolder } from '../destination.js';
import { appVersion, baseMetadata, onnxModelIO } from '../metadata.js';
import { ONNX_FILE } from '../onnx.js';
import { jobReadme } from './jobReadme.js';

/** The Python sources beside this file (copied into dist/ by the build). */
const JOB_SOURCES = fileURLToPath(new URL('./job/', import.meta.url));
export const JOB_DATASET = 'data/dataset.npz';
export const JOB_INIT = 'init';
/**
 * What a studio checkpoint holds that the job reads with --init-from (not the sample grid or
 * metrics): generator/ is G's moving average when the run keeps one, generator-trained G itself.
 */
const CHECKPOINT_PARTS = ['checkpoint.json', 'generator', 'generator-trained.json', 'generator-trained.bin', 'discriminator.json', 'discriminator.bin', 'optimizer-g.json', 'optimizer-g.bin', 'optimizer-d.json', 'optimizer-d.bin'];

export interface JobExport {
  outDir: string;
  job: PytorchJobFile;
  summary: string;
}

/**
 * Writes a self-contained PyTorch job for a run: train.py and its modules, job.json (the preset,
 * every parameter, seed, image shape and classes, read from the checkpoint and the run), the
 * project's dataset as data/dataset.npz, the checkpoint's weights in init/ for --init-from, and a
 * README with the commands. Built beside `outDir` and renamed into place when complete.
 */
export async function writePytorchJob(projectDir: string, found: FoundCheckpoint, outDir: string, options: { force?: boolean; signal?: AbortSignal } = {}): Promise<JobExport> {
  const file = await readCheckpointFile(found.dir);
  const run = await readRunInfo(projectLayout(projectDir).run(found.runId).dir);
  const dataset = await openDataset(projectDir);
  const { manifest } = dataset;
  const trained = `${file.image.width}x${file.image.height}x${file.image.channels}`;
  if (manifest.width !== file.image.width || manifest.height !== file.image.height || manifest.channels !== file.image.channels) {
    throw new Error(`${found.runId} was trained on ${trained} images, but the project's dataset is now ${manifest.width}x${manifest.height}x${manifest.channels}; import the dataset at ${trained} again, or export a run trained on this one.`);
  }
  const params = resolveParams(file.preset, savedParams(file.params));
  const classes = isLabelled(manifest) ? manifest.classes : [];
  checkPresetFits(file.preset, { ...file.image, classes: classes.length });
  if (presets[file.preset].conditional && classes.join('\n') !== file.classes.join('\n')) {
    throw new Error(`${found.runId} was trained on the classes ${file.classes.join(', ')}, but the project's dataset now has ${classes.join(', ') || 'none'}; import that dataset again to continue this run.`);
  }
  const base = baseMetadata(file, params.noiseSize, 'onnx');
  const hasDiscriminator = (await readdir(found.dir)).includes('discriminator.json');
  const job: PytorchJobFile = {
    format: PYTORCH_JOB_FORMAT,
    version: PYTORCH_JOB_VERSION,
    name: `${found.runId}-pytorch`,
    appVersion: appVersion(),
    exportedAt: new Date().toISOString(),
    preset: file.preset,
    presetTitle: presets[file.preset].title,
    params,
    seed: file.seed,
    epochs: run.epochs,
    image: file.image,
    classes: classes.map((name, id) => ({ id, name })),
    dataset: { name: manifest.name, count: manifest.count, file: JOB_DATASET },
    augmentAutoBelow: AUGMENT_AUTO_BELOW,
    source: { runId: found.runId, checkpointId: file.id, step: file.step, epoch: file.epoch, backend: file.backend },
    init: JOB_INIT,
    onnxMetadata: { ...base, model: ONNX_FILE, ...onnxModelIO(base) },
  };
  await writeExportFolder(outDir, options.force ?? false, options.signal, async (dir) => {
    for (const name of (await readdir(JOB_SOURCES)).filter((n) => n.endsWith('.py'))) await copyFile(join(JOB_SOURCES, name), join(dir, name));
    await writeFile(join(dir, PYTORCH_JOB_FILE), JSON.stringify(job, null, 2) + '\n');
    await writeFile(join(dir, 'requirements.txt'), 'torch>=1.13\nnumpy\n');
    await writeFile(join(dir, 'README.md'), jobReadme(job, hasDiscriminator));
    await mkdir(join(dir, 'data'));
    options.signal?.throwIfAborted();
    await writeDatasetNpz(dataset, join(dir, JOB_DATASET));
    await mkdir(join(dir, JOB_INIT));
    const present = new Set(await readdir(found.dir));
    for (const part of CHECKPOINT_PARTS.filter((p) => present.has(p))) await cp(join(found.dir, part), join(dir, JOB_INIT, part), { recursive: true });
  });
  const summary = `PyTorch job for ${found.runId} (${job.presetTitle}, step ${file.step}) with ${manifest.count} images`;
  return { outDir, job, summary };
}
