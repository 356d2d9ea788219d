import type { ExportPreview, ParsedRequestOf } from '../../shared/contract.js';
import type { ExportResult } from '../../shared/export.js';
import { projectLayout } from '../project/layout.js';
import { exportPreview } from './exportPreview.js';
import type { Studio } from './studio.js';

/** Exports a checkpoint's generator into `out` (a folder the window may use) or the project's exports folder. */
export function exportCheckpoint(studio: Studio, { runId, checkpointId, format, out, options }: ParsedRequestOf<'exportCheckpoint'>): Promise<ExportResult> {
  const dir = studio.project.require();
  const outDir = out ? studio.access.check(out, 'Export') : projectLayout(dir).export(runId, checkpointId, format);
  return studio.exports.run({ checkpointDir: studio.project.checkpointDir(runId, checkpointId), format, outDir, options });
}

/** The picture an export made, for the Export screen (a folder the window may use, holding an export). */
export function previewExport(studio: Studio, { outDir }: ParsedRequestOf<'getExportPreview'>): Promise<ExportPreview | null> {
  return exportPreview(studio.access.check(outDir, 'Export preview'));
}
