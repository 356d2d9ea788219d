import { resolve } from 'node:path';
import { handoffFormats, type HandoffFormatId } from '../../shared/handoff.js';
import { defaultHandoffPath, exportHandoff } from '../engine/export/handoff.js';
import { intFlag, UsageError } from './args.js';
import { onInterrupt } from './interrupt.js';
import { ProgressBar } from './progressBar.js';

export const handoffUsage = `Hand-off formats (the dataset, or the run as a PyTorch job):
${handoffFormats.map((f) => `  ${f.id.padEnd(17)}${f.description}\n                   Writes ${f.produces}.`).join('\n')}

  gan-studio export --project DIR --format stylegan-dataset [--out data.zip] [--resolution N] [--force]
  gan-studio export --project DIR --format npz [--out data.npz] [--force]
  gan-studio export --project DIR --format pytorch [--run RUN] [--checkpoint C] [--out DIR] [--force]

--resolution  side of the StyleGAN images, a power of two (default: the images' own, or the next
              power of two up when theirs is not one)`;

export interface HandoffFlags {
  out?: string;
  run?: string;
  checkpoint?: string;
  resolution?: string;
  force?: boolean;
}

/** `gan-studio export --format stylegan-dataset|npz|pytorch`. */
export async function exportHandoffCommand(projectDir: string, format: HandoffFormatId, flags: HandoffFlags): Promise<number> {
  if (flags.resolution !== undefined && format !== 'stylegan-dataset') throw new UsageError(`--resolution applies to the stylegan-dataset format only`);
  if ((flags.run !== undefined || flags.checkpoint !== undefined) && format !== 'pytorch') {
    throw new UsageError(`--run and --checkpoint do not apply to the ${format} format: it exports the project's dataset`);
  }
  const resolution = intFlag(flags.resolution, 'resolution', 4);
  const options = { runId: flags.run, checkpointId: flags.checkpoint };
  const out = resolve(flags.out ?? (await defaultHandoffPath(projectDir, format, options)));
  const abort = new AbortController();
  const release = onInterrupt(() => abort.abort());
  // One bar, made at the first progress report (dataset formats report per image; the job does not).
  const progress: { bar?: ProgressBar } = {};
  const started = performance.now();
  try {
    const result = await exportHandoff(projectDir, format, out, {
      ...options,
      resolution,
      force: flags.force,
      signal: abort.signal,
      onProgress: (stage, done, total) => {
        if (total <= 1) return;
        progress.bar ??= new ProgressBar(stage, 'img');
        progress.bar.update(done, total);
      },
    });
    progress.bar?.done();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`Wrote ${result.summary} to ${result.out} (${formatMegabytes(result.bytes)}, ${seconds}s).`);
    for (const note of result.notes) console.log(note);
    return 0;
  } catch (error) {
    progress.bar?.done();
    if ((error as Error).name === 'AbortError') {
      console.log(`Export cancelled; nothing was written to ${out}.`);
      return 130;
    }
    throw error;
  } finally {
    release();
  }
}

const formatMegabytes = (bytes: number): string => (bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);
