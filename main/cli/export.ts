import { resolve } from 'node:path';
import { exportFormatIds, exportFormats, MAX_EXPORT_COUNT, type ExportProgress } from '../../shared/export.js';
import { handoffFormatIds, isHandoffFormat } from '../../shared/handoff.js';
import { backendNames } from '../../shared/training.js';
import { initBackend } from '../engine/backend/initBackend.js';
import { exportCheckpoint } from '../engine/export/index.js';
import { projectLayout } from '../project/layout.js';
import { withCheckpoint } from '../project/findCheckpoint.js';
import { intFlag, oneOf, parseCommand, requireFlag, UsageError } from './args.js';
import { exportFilmCommand, filmUsage } from './exportFilm.js';
import { exportHandoffCommand, handoffUsage } from './exportHandoff.js';
import { onInterrupt } from './interrupt.js';
import { ProgressBar } from './progressBar.js';

export const exportUsage = `gan-studio export --project DIR --format ${[...exportFormatIds, ...handoffFormatIds, 'film'].join('|')} [--out DIR]
                  [--run RUN] [--checkpoint C] [--count N] [--class NAME|ID ...] [--seed N] [--force]
                  [--backend gpu|native|wasm|cpu]

Exports the generator of a checkpoint (the latest unless --run/--checkpoint name one) into the
folder --out (default: DIR/exports/<run>-<checkpoint>-<format>), with metadata.json beside it.

Formats:
${exportFormats.map((f) => `  ${f.id.padEnd(7)}${f.description}\n         Writes ${f.produces}.`).join('\n')}

--count     images to draw, per class for conditional generators (images: 64); gif: walks (8)
--class     draw only this class (name or id); repeat for several (conditional generators)
--seed      seed of the noise, to draw the same images again
--force     replace the --out folder if it holds an earlier export. A folder holding other
            files is never replaced; the export is built beside it and appears only when complete.

${handoffUsage}

${filmUsage}`;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    project: { type: 'string' },
    run: { type: 'string' },
    checkpoint: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    count: { type: 'string' },
    class: { type: 'string', multiple: true },
    seed: { type: 'string' },
    force: { type: 'boolean' },
    backend: { type: 'string' },
    resolution: { type: 'string' },
    fps: { type: 'string' },
  });
  const projectDir = resolve(requireFlag(values.project, 'project'));
  const chosen = requireFlag(oneOf(values.format, 'format', [...exportFormatIds, ...handoffFormatIds, 'film' as const]), 'format');
  if (chosen === 'film') {
    for (const flag of ['checkpoint', 'count', 'class', 'seed', 'backend', 'resolution'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} does not apply to the film format`);
    }
    return exportFilmCommand(projectDir, values);
  }
  if (values.fps !== undefined) throw new UsageError('--fps applies to the film format only');
  if (isHandoffFormat(chosen)) {
    for (const flag of ['count', 'class', 'seed', 'backend'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} does not apply to the ${chosen} format`);
    }
    return exportHandoffCommand(projectDir, chosen, values);
  }
  if (values.resolution !== undefined) throw new UsageError('--resolution applies to the stylegan-dataset format only');
  const format = chosen;
  const count = intFlag(values.count, 'count', 1);
  if (count !== undefined && count > MAX_EXPORT_COUNT) throw new UsageError(`--count must be at most ${MAX_EXPORT_COUNT}`);
  const seed = intFlag(values.seed, 'seed', 0);
  const uses = exportFormats.find((f) => f.id === format)!.options;
  for (const flag of ['count', 'class', 'seed'] as const) {
    if (values[flag] !== undefined && !uses.includes(flag === 'class' ? 'classes' : flag)) {
      throw new UsageError(`--${flag} does not apply to the ${format} format`);
    }
  }
  await initBackend(oneOf(values.backend, 'backend', backendNames));
  const abort = new AbortController();
  const release = onInterrupt(() => abort.abort());
  const progress = stageBars();
  const started = performance.now();
  let outDir = values.out ? resolve(values.out) : '';
  try {
    // An export is built aside and appears only when complete, so one retried after its checkpoint
    // was deleted by a run training here (withCheckpoint) leaves nothing half-written.
    const { found, result } = await withCheckpoint(projectDir, { runId: values.run, checkpointId: values.checkpoint }, async (found) => {
      outDir = resolve(values.out ?? projectLayout(projectDir).export(found.runId, found.checkpoint.id, format));
      const result = await exportCheckpoint(found.dir, format, outDir, {
        count,
        classes: values.class,
        seed,
        force: values.force,
        signal: abort.signal,
        onProgress: progress.update,
      });
      return { found, result };
    });
    progress.done();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`${result.summary} (${found.runId}/${found.checkpoint.id}, ${result.files.length} files, ${formatBytes(result.bytes)}, ${seconds}s).`);
    return 0;
  } catch (error) {
    progress.done();
    if ((error as Error).name === 'AbortError') {
      console.log(`Export cancelled; nothing was written to ${outDir}.`);
      return 130;
    }
    throw error;
  } finally {
    release();
  }
}

/** One progress bar per stage ("Drawing images", "Writing the web page", ...); one-step stages get none. */
function stageBars() {
  let bar: ProgressBar | null = null;
  let stage = '';
  return {
    update: (p: ExportProgress) => {
      if (p.stage !== stage) {
        bar?.done();
        stage = p.stage;
        bar = p.total <= 1 ? null : new ProgressBar(p.stage, stage.startsWith('Drawing frames') ? 'frames' : stage.startsWith('Drawing') ? 'img' : 'steps');
      }
      bar?.update(p.done, p.total);
    },
    done: () => bar?.done(),
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
