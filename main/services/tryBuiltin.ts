import { join } from 'node:path';
import type { BuiltinDatasetId } from '../../shared/dataset.js';
import type { PresetId } from '../../shared/presets.js';
import type { ProjectSummary } from '../../shared/project.js';
import { importBuiltin, type BuiltinOptions } from '../data/builtins/index.js';
import { writeProjectFile } from '../project/project.js';
import type { Studio } from './studio.js';

export interface Demo {
  title: string;
  data: BuiltinOptions;
  preset: PresetId;
  /** Chosen by measurement for a first session on a 2-core CPU (README's recipe table). */
  params: Record<string, unknown>;
}

/**
 * The demos. Shapes: 32 x 32, where a shape is plainly visible, with the conditional DCGAN (it beat
 * the conditional MLP, which collapsed to coloured blobs at 16 x 16) at a learning rate of 5e-4: at
 * 800 steps that gave Fréchet distance 5.8 and recall 0.83 where the paper's 2e-4 gave 31 and 0.01.
 */
export const demos: Record<BuiltinDatasetId, Demo> = {
  shapes: { title: 'Shapes demo', data: { size: 32, count: 2000 }, preset: 'cdcgan', params: { baseFilters: 32, batchSize: 32, learningRateG: 5e-4, learningRateD: 5e-4 } },
  digits: { title: 'Digits demo', data: { count: 10000 }, preset: 'cdcgan', params: { baseFilters: 32, batchSize: 64, learningRateG: 5e-4, learningRateD: 5e-4 } },
  fashion: { title: 'Fashion demo', data: { count: 10000 }, preset: 'cdcgan', params: { baseFilters: 32, batchSize: 64, learningRateG: 5e-4, learningRateD: 5e-4 } },
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
