/**
 * The one table that binds the contract: channel -> service call. Every payload is checked against
 * its channel's schema before a handler sees it, every outcome is a Result, and nothing a window
 * sends can throw past `callChannel` (the desktop IPC and the web socket both go through it).
 */
import { requestSchemas, type Channel, type ParsedRequestOf, type ResponseOf } from '../shared/contract.js';
import { exportFormats } from '../shared/export.js';
import { fail, ok, type Result } from '../shared/result.js';
import { describeIssues } from '../shared/validation.js';
import { backendReport } from './services/backends.js';
import { importBuiltin, importFolder, importUpload, previewDataset } from './services/datasets.js';
import { explore } from './services/explore.js';
import { exportCheckpoint, previewExport } from './services/exports.js';
import { filmFrame, filmFrames } from './services/film.js';
import { exportFilm } from './services/filmExport.js';
import { describeModel } from './services/models.js';
import { closeProject, createProject, openProject } from './services/projects.js';
import { runMetrics } from './services/runMetrics.js';
import { checkpointSamples, importGenerator, measureCheckpoint, runQuality, sampleCheckpoint } from './services/runs.js';
import type { Studio } from './services/studio.js';
import { startTraining } from './services/training.js';
import { tryBuiltin } from './services/tryBuiltin.js';

type Handler<C extends Channel> = (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>;
export type HandlerTable = { [C in Channel]: Handler<C> };

/** Channel -> service call; the services hold the logic, the contract's schemas the validation. */
export function handlersFor(studio: Studio): HandlerTable {
  const { project, imports, training, exports } = studio;
  return {
    getAppInfo: async () => studio.info,
    getSettings: () => studio.settings.read(),
    saveSettings: (patch) => studio.settings.update(patch),
    listRecentProjects: () => studio.recent.list(),
    getBackendReport: ({ refresh }) => backendReport(refresh),
    chooseFolder: ({ purpose }) => studio.chooseFolder(purpose),

    getProject: () => project.summary(),
    createProject: (request) => createProject(studio, request),
    openProject: (request) => openProject(studio, request),
    closeProject: () => closeProject(studio),
    tryBuiltin: ({ dataset }) => tryBuiltin(studio, dataset),

    importFolder: (request) => importFolder(studio, request),
    importBuiltin: (request) => importBuiltin(studio, request),
    importUpload: (request) => importUpload(studio, request),
    cancelImport: async () => imports.cancel(),
    getImportState: async () => imports.state(),
    getDatasetPreview: (request) => previewDataset(studio, request),

    describeModel: (request) => describeModel(studio, request),
    savePresetChoice: (request) => project.savePresetChoice(request),

    startTraining: (request) => startTraining(studio, request),
    pauseTraining: async () => training.pause(),
    resumeTraining: async () => training.resume(),
    stopTraining: async () => training.stop(),
    getTrainingState: async () => training.snapshot(),
    stepTraining: async (manual) => training.step(manual),
    setAdviceView: async ({ view }) => training.setAdvice(view),

    listRuns: () => project.listRuns(),
    getRunMetrics: ({ runId, maxPoints }) => runMetrics(project.runDir(runId), maxPoints),
    getCheckpointSamples: (request) => checkpointSamples(studio, request),
    sampleCheckpoint: (request) => sampleCheckpoint(studio, request),
    listFilmFrames: (request) => filmFrames(studio, request),
    getFilmFrame: (request) => filmFrame(studio, request),
    exportFilm: (request) => exportFilm(studio, request),
    getRunQuality: (request) => runQuality(studio, request),
    measureCheckpoint: (request) => measureCheckpoint(studio, request),

    exploreSamples: ({ runId, checkpointId, ...request }) => explore(studio, { runId, checkpointId }, { view: 'samples', ...request }),
    exploreWalk: ({ runId, checkpointId, ...request }) => explore(studio, { runId, checkpointId }, { view: 'walk', ...request }),
    exploreDirections: ({ runId, checkpointId, ...request }) => explore(studio, { runId, checkpointId }, { view: 'directions', ...request }),
    exploreClasses: ({ runId, checkpointId, ...request }) => explore(studio, { runId, checkpointId }, { view: 'classes', ...request }),
    exploreMorph: ({ runId, checkpointId, ...request }) => explore(studio, { runId, checkpointId }, { view: 'morph', ...request }),
    exploreNearest: ({ runId, checkpointId, ...request }) => explore(studio, { runId, checkpointId }, { view: 'nearest', ...request }),

    listExportFormats: async () => exportFormats,
    exportCheckpoint: (request) => exportCheckpoint(studio, request),
    cancelExport: async () => exports.cancel(),
    getExportState: async () => exports.state(),
    getExportPreview: (request) => previewExport(studio, request),

    importGenerator: (request) => importGenerator(studio, request),
  };
}

const isChannel = (value: unknown): value is Channel => typeof value === 'string' && Object.hasOwn(requestSchemas, value);

/**
 * Validates and runs one call. A bad channel or payload is refused with a message naming what is
 * wrong; a handler's error comes back as `{ ok: false }`; nothing is thrown.
 */
export async function callChannel(table: HandlerTable, channel: unknown, payload: unknown): Promise<Result<unknown>> {
  // Everything inside the try: a hostile payload (5,000 nested arrays) must not throw past here.
  try {
    if (!isChannel(channel)) return fail(`Unknown channel ${describeChannel(channel)}`);
    const parsed = requestSchemas[channel].safeParse(payload);
    if (!parsed.success) return fail(`${channel}: ${describeIssues(parsed.error, 'request')}`);
    const handler = table[channel] as (request: unknown) => Promise<unknown>;
    return ok(await handler(parsed.data));
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

/** Names what was sent as a channel without serialising it (it may be nested beyond the stack). */
function describeChannel(channel: unknown): string {
  if (typeof channel === 'string') return JSON.stringify(channel.slice(0, 80));
  if (Array.isArray(channel)) return '(an array)';
  return channel === null ? 'null' : `(a ${typeof channel})`;
}
