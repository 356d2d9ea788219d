/**
 * The one table that binds the contract: channel -> handler. Every payload is checked against its
 * channel's schema before a handler sees it, every outcome is a Result, and nothing a window sends
 * can throw past `call` (the desktop IPC and the web socket both go through it).
 */
import { join } from 'node:path';
import { requestSchemas, type Channel, type ParsedRequestOf, type ResponseOf } from '../shared/contract.js';
import { presetParamSchemas, presets, type PresetId } from '../shared/presets.js';
import { isLabelled } from '../shared/dataset.js';
import { fail, ok, type Result } from '../shared/result.js';
import { exportFormats } from '../shared/export.js';
import { describeIssues } from '../shared/validation.js';
import { importFolder } from './data/importFolder.js';
import { importBuiltin } from './data/builtins/index.js';
import { projectLayout } from './project/layout.js';
import { listRuns } from './project/runs.js';
import { readRunQuality } from './engine/quality/runQualityFile.js';
import { writeProjectFile } from './project/project.js';
import { checkpointSamples } from './studio/checkpointImages.js';
import { datasetPreview } from './studio/datasetPreview.js';
import { runMetrics } from './studio/runMetrics.js';
import type { Studio } from './studio/studio.js';
import { tryBuiltin } from './studio/tryBuiltin.js';

type Handler<C extends Channel> = (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>;
export type HandlerTable = { [C in Channel]: Handler<C> };

/** Until a dataset is imported the Model screen describes the presets for this image shape. */
const PLACEHOLDER_SHAPE = { height: 32, width: 32, channels: 3 };

export function handlersFor(studio: Studio): HandlerTable {
  const { project, imports, training } = studio;
  const checkpointDir = (runId: string, checkpointId: string) => projectLayout(project.require()).run(runId).checkpoint(checkpointId);
  const datasetOf = async () => {
    const summary = await project.summary();
    if (!summary?.dataset) throw new Error('This project has no dataset yet: import a folder or a built-in set first.');
    return summary.dataset;
  };

  return {
    getAppInfo: async () => studio.info,
    getSettings: () => studio.settings.read(),
    saveSettings: (patch) => studio.settings.update(patch),
    listRecentProjects: () => studio.recent.list(),
    chooseFolder: ({ purpose }) => studio.chooseFolder(purpose),

    getProject: () => project.summary(),
    createProject: ({ path, name }) => {
      studio.ensureIdle('create another project');
      return project.create(studio.access.check(path, 'New project'), name);
    },
    openProject: ({ path }) => {
      studio.ensureIdle('open another project');
      return project.open(studio.access.check(path, 'Open project'));
    },
    closeProject: async () => {
      studio.ensureIdle('close the project');
      return project.close();
    },
    tryBuiltin: ({ dataset }) => tryBuiltin(studio, dataset),

    importFolder: ({ folder, options }) => {
      const dir = project.require();
      const source = studio.access.check(folder, 'Import');
      studio.ensureIdle('import');
      return imports.run(source, (hooks) => importFolder(source, dir, options, hooks));
    },
    importBuiltin: ({ dataset, ...options }) => {
      const dir = project.require();
      studio.ensureIdle('import');
      return imports.run(`built-in ${dataset}`, (hooks) => importBuiltin(dataset, dir, options, hooks));
    },
    cancelImport: async () => imports.cancel(),
    getImportState: async () => imports.state(),
    getDatasetPreview: async ({ perRow, rows }) => datasetPreview(project.require(), await datasetOf(), perRow, rows),

    describeModel: async ({ preset, params }) => {
      const dataset = (await project.summary())?.dataset;
      const classes = dataset ? (isLabelled(dataset) ? dataset.classes.length : 0) : presets[preset].conditional ? 4 : 0;
      const shape = dataset ? { height: dataset.height, width: dataset.width, channels: dataset.channels } : PLACEHOLDER_SHAPE;
      return studio.tensors.describe({ preset, params: checkParams(preset, params, 'params'), shape: { ...shape, classes } });
    },
    savePresetChoice: async ({ preset, params }) => {
      const summary = await project.summary();
      if (!summary) throw new Error('No project is open: create or open a project first.');
      await writeProjectFile(summary.path, { ...summary.project, preset, params: checkParams(preset, params, 'params') });
      project.changed();
      return (await project.summary())!;
    },

    startTraining: async ({ options, resume }) => {
      const dir = project.require();
      studio.ensureIdle('start training');
      checkParams(options.preset, options.params, 'options.params');
      const { backend } = await studio.settings.read();
      const chosen = options.backend ?? (backend === 'auto' ? undefined : backend);
      return training.start(dir, { ...options, backend: chosen }, resume);
    },
    pauseTraining: async () => training.pause(),
    resumeTraining: async () => training.resume(),
    stopTraining: async () => training.stop(),
    getTrainingState: async () => training.snapshot(),

    listRuns: () => listRuns(project.require()),
    getRunMetrics: ({ runId, maxPoints }) => runMetrics(project.require(), runId, maxPoints),
    getCheckpointSamples: ({ runId, checkpointId }) => checkpointSamples(checkpointDir(runId, checkpointId)),
    sampleCheckpoint: ({ runId, checkpointId, seed }) => studio.tensors.sample({ checkpointDir: checkpointDir(runId, checkpointId), seed }),
    getRunQuality: ({ runId }) => readRunQuality(projectLayout(project.require()).run(runId).dir),
    measureCheckpoint: ({ runId, checkpointId }) => {
      const projectDir = project.require();
      // The training process may be writing the feature network cache and uses every core: measuring waits for it.
      studio.ensureIdle('measure a checkpoint');
      return studio.measures.run({ projectDir, runId, checkpointId });
    },

    listExportFormats: async () => exportFormats,
    exportCheckpoint: ({ runId, checkpointId, format, out, options }) => {
      const dir = project.require();
      const outDir = out ? studio.access.check(out, 'Export') : join(projectLayout(dir).exportsDir, `${runId}-${checkpointId}-${format}`);
      return studio.exports.run({ checkpointDir: checkpointDir(runId, checkpointId), format, outDir, options });
    },
    cancelExport: async () => studio.exports.cancel(),
    getExportState: async () => studio.exports.state(),

    importGenerator: async ({ path }) => {
      const projectDir = project.require();
      const onnxFile = studio.access.check(path, 'Import generator');
      studio.ensureIdle('import a generator');
      const imported = await studio.tensors.importGenerator({ projectDir, onnxFile });
      project.changed();
      return imported;
    },
  };
}

/** Checks preset params against the preset's schema here, so a bad field is named before any process starts. */
function checkParams(preset: PresetId, params: Record<string, unknown>, field: string): Record<string, unknown> {
  const parsed = presetParamSchemas[preset].safeParse(params);
  if (!parsed.success) throw new Error(`Invalid ${presets[preset].title} parameters: ${describeIssues(parsed.error, field)}`);
  return params;
}

const isChannel = (value: unknown): value is Channel => typeof value === 'string' && Object.hasOwn(requestSchemas, value);

/**
 * Validates and runs one call. A bad channel or payload is refused with a message naming what is
 * wrong; a handler's error comes back as `{ ok: false }`; nothing is thrown.
 */
export async function callChannel(table: HandlerTable, channel: unknown, payload: unknown): Promise<Result<unknown>> {
  if (!isChannel(channel)) return fail(`Unknown channel ${JSON.stringify(channel)?.slice(0, 80) ?? String(channel)}`);
  const parsed = requestSchemas[channel].safeParse(payload);
  if (!parsed.success) return fail(`${channel}: ${describeIssues(parsed.error, 'request')}`);
  try {
    const handler = table[channel] as (request: unknown) => Promise<unknown>;
    return ok(await handler(parsed.data));
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}
