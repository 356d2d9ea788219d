import { join } from 'node:path';
import type { BuiltinDatasetId } from '../../shared/dataset.js';
import type { PresetId } from '../../shared/presets.js';
import type { ProjectSummary } from '../../shared/project.js';
import { importBuiltin, type BuiltinOptions } from '../data/builtins/index.js';
import { writeProjectFile } from '../project/project.js';
import type { Studio } from './studio.js';

interface Demo {
  title: string;
  data: BuiltinOptions;
  preset: PresetId;
  /** Lighter than the paper defaults so the first images take shape within a minute or two on a laptop CPU. */
  params: Record<string, unknown>;
}

const demos: Record<BuiltinDatasetId, Demo> = {
  // 16 x 16: colours and blobs show within a thousand steps (about two minutes on two CPU cores).
  shapes: { title: 'Shapes demo', data: { size: 16, count: 2000 }, preset: 'cgan', params: { hiddenUnits: [128, 256, 512], batchSize: 32 } },
  digits: { title: 'Digits demo', data: { count: 10000 }, preset: 'cgan', params: { hiddenUnits: [128, 256, 512], batchSize: 64 } },
  fashion: { title: 'Fashion demo', data: { count: 10000 }, preset: 'cgan', params: { hiddenUnits: [128, 256, 512], batchSize: 64 } },
};

/**
 * The welcome screen's "Try it": a project in the projects folder holding a built-in dataset and a
 * preset chosen for it, so the next click can start training. An existing demo project is reopened.
 */
export async function tryBuiltin(studio: Studio, dataset: BuiltinDatasetId): Promise<ProjectSummary> {
  studio.ensureIdle('open another project');
  const demo = demos[dataset];
  const dir = join(studio.info.projectsDir, demo.title);
  const summary = await studio.project.create(dir, demo.title);
  if (summary.dataset) return summary;
  await studio.imports.run(`built-in ${dataset}`, (hooks) => importBuiltin(dataset, dir, demo.data, hooks));
  await writeProjectFile(dir, { ...summary.project, preset: demo.preset, params: demo.params });
  return studio.project.open(dir);
}
