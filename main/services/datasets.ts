import { basename } from 'node:path';
import type { DatasetPreview, ParsedRequestOf } from '../../shared/contract.js';
import type { DatasetManifest } from '../../shared/dataset.js';
import { importBuiltin as importBuiltinSet } from '../data/builtins/index.js';
import { importFolder as importFolderImages } from '../data/importFolder.js';
import { datasetPreview } from './datasetPreview.js';
import type { Studio } from './studio.js';

/** Imports a folder the window may use into the open project, as the one running import. */
export function importFolder(studio: Studio, { folder, options }: ParsedRequestOf<'importFolder'>): Promise<DatasetManifest> {
  const dir = studio.project.require();
  const source = studio.access.check(folder, 'Import');
  studio.ensureIdle('import');
  return studio.imports.run(source, (hooks) => importFolderImages(source, dir, options, hooks));
}

export function importBuiltin(studio: Studio, { dataset, ...options }: ParsedRequestOf<'importBuiltin'>): Promise<DatasetManifest> {
  const dir = studio.project.require();
  studio.ensureIdle('import');
  return studio.imports.run(`built-in ${dataset}`, (hooks) => importBuiltinSet(dataset, dir, options, hooks));
}

/** Web mode: imports what the window sent to POST /upload under this id like a folder, then removes it, imported or not. */
export async function importUpload(studio: Studio, { upload, options }: ParsedRequestOf<'importUpload'>): Promise<DatasetManifest> {
  const dir = studio.project.require();
  studio.ensureIdle('import');
  try {
    const folder = await studio.uploads.prepare(upload);
    return await studio.imports.run(`uploaded ${basename(folder)}`, (hooks) => importFolderImages(folder, dir, options, hooks));
  } finally {
    await studio.uploads.discard(upload);
  }
}

export async function previewDataset(studio: Studio, { perRow, rows }: ParsedRequestOf<'getDatasetPreview'>): Promise<DatasetPreview> {
  const dir = studio.project.require();
  return datasetPreview(dir, await studio.project.dataset(), perRow, rows);
}
