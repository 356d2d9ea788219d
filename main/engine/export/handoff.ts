import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { HandoffFormatId } from '../../../shared/handoff.js';
import { openDataset } from '../../data/datasetCache.js';
import { writeFileExport } from '../../data/handoff/fileDestination.js';
import { writeDatasetNpz } from '../../data/handoff/npzDataset.js';
import { styleganResolution, writeStyleganZip } from '../../data/handoff/styleganDataset.js';
import { findCheckpoint } from '../../project/findCheckpoint.js';
import { projectLayout } from '../../project/layout.js';
import { writePytorchJob } from './pytorch/pytorchJob.js';

export interface HandoffOptions {
  /** pytorch: the run and checkpoint (the latest when left out). */
  runId?: string;
  checkpointId?: string;
  /** stylegan-dataset: the side of the square images (a power of two). */
  resolution?: number;
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface HandoffResult {
  format: HandoffFormatId;
  /** The file (dataset formats) or folder (pytorch) written, absolute. */
  out: string;
  bytes: number;
  /** One line for the user, without the destination. */
  summary: string;
  /** What the user should know (a resize, say) and what to run next. */
  notes: string[];
}

/** Where a hand-off goes unless the user says otherwise: into the project's exports folder. */
export async function defaultHandoffPath(projectDir: string, format: HandoffFormatId, options: Pick<HandoffOptions, 'runId' | 'checkpointId'> = {}): Promise<string> {
  const exports = projectLayout(projectDir).exportsDir;
  if (format === 'stylegan-dataset') return join(exports, 'dataset-stylegan.zip');
  if (format === 'npz') return join(exports, 'dataset.npz');
  const found = await findCheckpoint(projectDir, options);
  return join(exports, `${found.runId}-${found.checkpoint.id}-pytorch`);
}

/** Exports the project's dataset (stylegan-dataset, npz) or a run as a PyTorch job (pytorch). */
export async function exportHandoff(projectDir: string, format: HandoffFormatId, out: string, options: HandoffOptions = {}): Promise<HandoffResult> {
  const target = resolve(out);
  const force = options.force ?? false;
  if (format === 'pytorch') {
    const found = await findCheckpoint(projectDir, { runId: options.runId, checkpointId: options.checkpointId });
    options.onProgress?.('Writing the PyTorch job', 0, 1);
    const { summary, job } = await writePytorchJob(projectDir, found, target, { force, signal: options.signal });
    const notes = [`Train it: cd ${target} && torchrun --nproc_per_node=<GPUs> train.py --init-from ${job.init} (see README.md)`];
    return { format, out: target, bytes: await folderBytes(target), summary, notes };
  }
  const dataset = await openDataset(projectDir);
  const { manifest } = dataset;
  const kind = `${manifest.channels === 1 ? 'grayscale' : 'RGB'}${manifest.classes.length > 1 ? `, ${manifest.classes.length} classes` : ', no classes'}`;
  if (format === 'npz') {
    await writeFileExport(target, force, (temp) => writeDatasetNpz(dataset, temp));
    const summary = `${manifest.count} images of ${manifest.width}x${manifest.height} (${kind}) as numpy arrays`;
    return { format, out: target, bytes: (await stat(target)).size, summary, notes: [`Load it: data = np.load("${target}"); data["images"], data["labels"], data["class_names"]`] };
  }
  if (!target.toLowerCase().endsWith('.zip')) throw new Error(`StyleGAN reads a dataset archive only when its name ends in .zip; got ${target}`);
  const { resolution, notes } = styleganResolution(manifest, options.resolution);
  await writeFileExport(target, force, (temp) =>
    writeStyleganZip(dataset, temp, resolution, { signal: options.signal, onProgress: (done, total) => options.onProgress?.('Writing PNG images', done, total) }),
  );
  const cond = manifest.classes.length > 1 ? ' --cond 1' : '';
  return {
    format,
    out: target,
    bytes: (await stat(target)).size,
    summary: `${manifest.count} images of ${resolution}x${resolution} (${kind}) as a StyleGAN dataset`,
    notes: [...notes, `Train on it: python train.py --outdir runs --data ${target}${cond} --gpus <GPUs>`],
  };
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(path) : (await stat(path)).size;
  }
  return total;
}
