import { resolve } from 'node:path';
import { builtinDatasetIds, channelModes, fitModes, importOptionsSchema, transparencyNote, type BuiltinDatasetId, type DatasetManifest, type ImportProgress } from '../../shared/dataset.js';
import { describeIssues } from '../../shared/validation.js';
import { importBuiltin } from '../data/builtins/index.js';
import { importFolder } from '../data/importFolder.js';
import { ensureProject } from '../project/project.js';
import { intFlag, oneOf, parseCommand, requireFlag, UsageError } from './args.js';
import { ProgressBar } from './progressBar.js';
import { onInterrupt } from './interrupt.js';

export const importUsage = `gan-studio import <folder> --project DIR [--size 64] [--channels gray|rgb] [--fit crop|pad|stretch] [--background #ffffff]
gan-studio import --builtin shapes|digits|fashion --project DIR [--size N] [--channels gray|rgb] [--count N]

Imports a folder of images (subfolders become classes) into the project's dataset. Transparent
parts of images (a PNG's clear background) are laid on --background, white unless given.`;

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      project: { type: 'string' },
      size: { type: 'string' },
      channels: { type: 'string' },
      fit: { type: 'string' },
      background: { type: 'string' },
      builtin: { type: 'string' },
      count: { type: 'string' },
    },
    true,
  );
  const project = resolve(requireFlag(values.project, 'project'));
  const builtin = oneOf(values.builtin, 'builtin', builtinDatasetIds);
  if (positionals.length > 1) throw new UsageError(`import takes one folder, got ${positionals.length}`);
  if (!builtin && positionals.length === 0) throw new UsageError('import needs a folder (or --builtin NAME)');
  await ensureProject(project);
  const manifest = builtin
    ? await importBuiltinWithProgress(builtin, project, { size: intFlag(values.size, 'size', 8), channels: oneOf(values.channels, 'channels', channelModes), count: intFlag(values.count, 'count', 1) })
    : await importFolderWithProgress(resolve(positionals[0]), project, { size: values.size, channels: values.channels, fit: values.fit, background: values.background });
  return manifest ? 0 : 130;
}

async function importFolderWithProgress(folder: string, project: string, flags: { size?: string; channels?: string; fit?: string; background?: string }) {
  const parsed = importOptionsSchema.safeParse({
    size: intFlag(flags.size, 'size', 1),
    channels: oneOf(flags.channels, 'channels', channelModes),
    fit: oneOf(flags.fit, 'fit', fitModes),
    background: flags.background,
  });
  if (!parsed.success) throw new UsageError(describeIssues(parsed.error).replace(/^background:/, '--background'));
  return withProgress(`Importing ${folder}`, (hooks) => importFolder(folder, project, parsed.data, hooks));
}

export function importBuiltinWithProgress(id: BuiltinDatasetId, project: string, options: { size?: number; channels?: 'gray' | 'rgb'; count?: number }) {
  return withProgress(`Importing built-in "${id}"`, (hooks) => importBuiltin(id, project, options, hooks));
}

/** Runs an import with a progress bar and Ctrl-C to cancel; prints the one-line summary. */
async function withProgress(
  label: string,
  run: (hooks: { signal: AbortSignal; onProgress: (p: ImportProgress) => void }) => Promise<DatasetManifest>,
): Promise<DatasetManifest | null> {
  const bar = new ProgressBar(label, 'img');
  const abort = new AbortController();
  const release = onInterrupt(() => abort.abort());
  try {
    const manifest = await run({ signal: abort.signal, onProgress: (p) => bar.update(p.done, p.total, p.skipped ? `${p.skipped} skipped` : '') });
    bar.done();
    const classes = manifest.classes.length ? `${manifest.classes.length} classes (${manifest.classes.slice(0, 6).join(', ')}${manifest.classes.length > 6 ? ', ...' : ''})` : 'unlabelled';
    console.log(`Imported ${manifest.count} images, ${manifest.width}x${manifest.height}x${manifest.channels}, ${classes}, ${manifest.skipped.length} skipped, in ${bar.elapsedSeconds.toFixed(1)}s.`);
    const transparent = transparencyNote(manifest);
    if (transparent) console.log(transparent);
    for (const s of manifest.skipped.slice(0, 20)) console.log(`  skipped ${s.path}: ${s.reason}`);
    if (manifest.skipped.length > 20) console.log(`  ... and ${manifest.skipped.length - 20} more (listed in dataset/manifest.json)`);
    return manifest;
  } catch (error) {
    bar.done();
    if ((error as Error).name === 'AbortError') {
      console.log('Import cancelled; the project keeps its previous dataset.');
      return null;
    }
    throw error;
  } finally {
    release();
  }
}
