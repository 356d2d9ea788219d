import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { channels, eventsOf, type Channel, type ResponseOf, type StudioEventName } from '../../../shared/contract.js';
import type { Result } from '../../../shared/result.js';
import type { TrainingEvent, TrainingRequest } from '../../../shared/training.js';
import { callChannel, handlersFor, type HandlerTable } from '../../../main/ipc.js';
import type { TrainingHandle } from '../../../main/engine/training/startTraining.js';
import { ChosenPaths, anyPath, type PathAccess } from '../../../main/services/pathAccess.js';
import { createStudio, type Studio } from '../../../main/services/studio.js';

/**
 * One malformed payload per channel (Record<Channel, ...> makes the compiler insist on every one)
 * and a word the refusal must contain: the field that is wrong.
 */
const malformed: Record<Channel, { payload: unknown; names: string }> = {
  getAppInfo: { payload: { extra: 1 }, names: 'extra' },
  getSettings: { payload: { extra: 1 }, names: 'extra' },
  saveSettings: { payload: { backend: 'quantum' }, names: 'backend' },
  listRecentProjects: { payload: [], names: 'request' },
  getBackendReport: { payload: { refresh: 'yes' }, names: 'refresh' },
  chooseFolder: { payload: { purpose: 'steal' }, names: 'purpose' },
  getProject: { payload: 'x', names: 'request' },
  createProject: { payload: { path: '' }, names: 'path' },
  openProject: { payload: { path: 42 }, names: 'path' },
  closeProject: { payload: null, names: 'request' },
  tryBuiltin: { payload: { dataset: 'imagenet' }, names: 'dataset' },
  importFolder: { payload: { folder: '/tmp', options: { size: 3 } }, names: 'options.size' },
  importBuiltin: { payload: { dataset: 'shapes', size: 'big' }, names: 'size' },
  importUpload: { payload: { upload: '../../etc', options: {} }, names: 'upload' },
  cancelImport: { payload: { now: true }, names: 'now' },
  getImportState: { payload: 7, names: 'request' },
  getDatasetPreview: { payload: { perRow: 1000 }, names: 'perRow' },
  describeModel: { payload: { preset: 'stylegan' }, names: 'preset' },
  savePresetChoice: { payload: { preset: 'mlp', params: 'fast' }, names: 'params' },
  startTraining: { payload: { options: { preset: 'mlp', epochs: 0 } }, names: 'options.epochs' },
  pauseTraining: { payload: { id: 1 }, names: 'id' },
  resumeTraining: { payload: { id: 1 }, names: 'id' },
  stopTraining: { payload: { id: 1 }, names: 'id' },
  getTrainingState: { payload: undefined, names: 'request' },
  stepTraining: { payload: { discriminator: 11, generator: true }, names: 'discriminator' },
  setAdviceView: { payload: { view: 'everything' }, names: 'view' },
  listRuns: { payload: { project: '/etc' }, names: 'project' },
  getRunMetrics: { payload: { runId: '../../etc' }, names: 'runId' },
  getCheckpointSamples: { payload: { runId: 'run-001', checkpointId: '../x' }, names: 'checkpointId' },
  sampleCheckpoint: { payload: { runId: 'run-001', checkpointId: 'step-1', seed: -1 }, names: 'seed' },
  listFilmFrames: { payload: { runId: '../run-001' }, names: 'runId' },
  getFilmFrame: { payload: { runId: 'run-001', step: -1 }, names: 'step' },
  exportFilm: { payload: { runId: 'run-001', fps: 500 }, names: 'fps' },
  getRunQuality: { payload: { runId: 'run-001/..' }, names: 'runId' },
  measureCheckpoint: { payload: { runId: 'run-001', checkpointId: 'step-1', seed: 3 }, names: 'seed' },
  exploreSamples: { payload: { runId: 'run-001', checkpointId: 'step-1', psi: 2.5 }, names: 'psi' },
  exploreWalk: { payload: { runId: 'run-001', checkpointId: 'step-1', from: 0, to: 1, steps: 65 }, names: 'steps' },
  exploreDirections: { payload: { runId: 'run-001', checkpointId: 'step-1', pick: 0, kind: 'sideways' }, names: 'kind' },
  exploreClasses: { payload: { runId: '..', checkpointId: 'step-1' }, names: 'runId' },
  exploreMorph: { payload: { runId: 'run-001', checkpointId: 'step-1', pick: 0, from: -1, to: 1 }, names: 'from' },
  exploreNearest: { payload: { runId: 'run-001', checkpointId: 'step-1', pick: 0, k: 33 }, names: 'k' },
  listExportFormats: { payload: { format: 'onnx' }, names: 'format' },
  exportCheckpoint: { payload: { runId: 'run-001', checkpointId: 'step-1', format: 'pdf' }, names: 'format' },
  cancelExport: { payload: { all: true }, names: 'all' },
  getExportState: { payload: false, names: 'request' },
  getExportPreview: { payload: { outDir: '' }, names: 'outDir' },
  importGenerator: { payload: { path: '' }, names: 'path' },
};

/** A stand-in for the training process: reports started, then waits for stop. */
function fakeTraining(request: TrainingRequest, onEvent: (event: TrainingEvent) => void): TrainingHandle {
  let finish!: (event: TrainingEvent & { type: 'finished' }) => void;
  const done = new Promise<TrainingEvent & { type: 'finished' | 'failed' }>((resolve) => (finish = resolve));
  setImmediate(() =>
    onEvent({
      type: 'started',
      runId: 'run-001',
      backend: { name: 'cpu', label: 'CPU (test)', device: 'cpu', notes: [] },
      preset: request.options.preset,
      params: {} as never,
      stepsPerEpoch: 10,
      totalSteps: 100,
      step: 0,
    }),
  );
  return {
    pause: () => onEvent({ type: 'paused', step: 3 }),
    resume: () => onEvent({ type: 'resumed', step: 3 }),
    step: () => undefined,
    setAdvice: () => undefined,
    stop: () => {
      const event = { type: 'finished', step: 3, reason: 'stopped' } as const;
      onEvent(event);
      finish(event);
    },
    done,
    pid: undefined,
  };
}

let root: string;
/** callChannel with the channel's response type, for reading a successful result's fields. */
const callTyped = <C extends Channel>(table: HandlerTable, channel: C, payload: unknown) => callChannel(table, channel, payload) as Promise<Result<ResponseOf<C>>>;
let studio: Studio;
let table: HandlerTable;

async function makeStudio(access: PathAccess): Promise<Studio> {
  return createStudio({
    mode: 'web',
    version: 'test',
    configDir: join(root, `config-${Math.random()}`),
    projectsDir: join(root, 'projects'),
    access,
    startTraining: fakeTraining,
  });
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'gan-studio-ipc-'));
  studio = await makeStudio(anyPath);
  table = handlersFor(studio);
});

after(async () => {
  await studio.close();
  await rm(root, { recursive: true, force: true });
});

describe('every channel refuses a malformed payload with a message naming the field', () => {
  for (const channel of channels) {
    test(channel, async () => {
      const { payload, names } = malformed[channel];
      const result = await callChannel(table, channel, payload);
      assert.equal(result.ok, false, `${channel} accepted ${JSON.stringify(payload)}`);
      if (result.ok) return;
      assert.match(result.error, new RegExp(`^${channel}: `), result.error);
      assert.ok(result.error.includes(names), `${channel}: "${result.error}" does not name ${names}`);
      // The table still serves after the refusal.
      assert.deepEqual(await callChannel(table, 'getAppInfo', {}), { ok: true, value: studio.info });
    });
  }
});

test('a payload that is not an object is refused on every channel', async () => {
  for (const channel of channels) {
    for (const payload of [undefined, null, 42, 'text', [1, 2]]) {
      const result = await callChannel(table, channel, payload);
      assert.equal(result.ok, false, `${channel} accepted ${JSON.stringify(payload)}`);
    }
  }
});

test('unknown channels, including inherited property names, are refused', async () => {
  for (const channel of ['send', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 42, null, { a: 1 }]) {
    const result = await callChannel(table, channel, {});
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.error, /Unknown channel/);
  }
});

test('a handler that fails returns the reason as data, and the table keeps serving', async () => {
  const missing = await callChannel(table, 'openProject', { path: join(root, 'no such project') });
  assert.deepEqual(missing, { ok: false, error: `No project folder at ${join(root, 'no such project')}` });
  const noProject = await callChannel(table, 'listRuns', {});
  assert.equal(noProject.ok, false);
  if (!noProject.ok) assert.match(noProject.error, /No project is open/);
  assert.equal((await callChannel(table, 'getAppInfo', {})).ok, true);
});

test('bad preset params are named before any training process starts', async () => {
  await callChannel(table, 'createProject', { path: join(root, 'params') });
  const result = await callChannel(table, 'startTraining', { options: { preset: 'mlp', params: { batchSize: -5 } } });
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.error, /options\.params\.batchSize/);
});

test('a project: create, import a folder with a corrupt file, preview, train, pause, stop', async () => {
  const folder = join(root, 'images');
  for (const [cls, colour] of [['red', { r: 255, g: 0, b: 0 }], ['blue', { r: 0, g: 0, b: 255 }]] as const) {
    await mkdir(join(folder, cls), { recursive: true });
    for (let i = 0; i < 3; i++) {
      await sharp({ create: { width: 20, height: 20, channels: 3, background: colour } }).png().toFile(join(folder, cls, `${i}.png`));
    }
  }
  await writeFile(join(folder, 'red', 'broken.png'), 'not a png');

  const created = await callChannel(table, 'createProject', { path: join(root, 'journey') });
  assert.equal(created.ok, true);
  const heard = new Set<StudioEventName>();
  const stopListening = studio.events.subscribe((event) => heard.add(event));
  const imported = await callTyped(table, 'importFolder', { folder, options: { size: 16, channels: 'rgb', fit: 'crop' } });
  await new Promise((resolve) => setTimeout(resolve, 300));
  stopListening();
  assert.deepEqual([...heard].sort(), [...eventsOf.importFolder!].sort(), 'importFolder causes the events the contract lists');
  assert.ok(imported.ok, JSON.stringify(imported));
  assert.equal(imported.value.count, 6);
  assert.deepEqual(imported.value.classes, ['blue', 'red']);
  assert.deepEqual(imported.value.skipped.map((s) => s.path), ['red/broken.png']);

  const preview = await callTyped(table, 'getDatasetPreview', { perRow: 4 });
  assert.ok(preview.ok);
  assert.deepEqual(preview.value.rowLabels, ['blue', 'red']);
  assert.ok(preview.value.grid.rgba instanceof Uint8Array);
  // Top-left pixel of the first row is a blue image.
  assert.deepEqual([...preview.value.grid.rgba.subarray(0, 4)], [0, 0, 255, 255]);

  const started = await callTyped(table, 'startTraining', { options: { preset: 'mlp' } });
  assert.ok(started.ok, JSON.stringify(started));
  assert.equal(started.value.status, 'running');
  assert.equal(started.value.runId, 'run-001');
  const again = await callChannel(table, 'startTraining', { options: { preset: 'mlp' } });
  assert.equal(again.ok, false);
  const busy = await callChannel(table, 'importFolder', { folder, options: {} });
  assert.equal(busy.ok, false, 'an import while training must be refused');
  assert.equal((await callChannel(table, 'pauseTraining', {})).ok, true);
  assert.equal(studio.training.snapshot().status, 'paused');
  assert.equal((await callChannel(table, 'stopTraining', {})).ok, true);
  assert.equal(studio.training.snapshot().status, 'finished');
  assert.equal(studio.training.active, false);
});

test('on the desktop a path is usable only once chosen in a dialog or dropped', async () => {
  const access = new ChosenPaths();
  const desktop = await makeStudio(access);
  const desktopTable = handlersFor(desktop);
  const refused = await callChannel(desktopTable, 'createProject', { path: join(root, 'elsewhere', 'p') });
  assert.equal(refused.ok, false);
  if (!refused.ok) assert.match(refused.error, /folder dialog/);
  const outside = await callChannel(desktopTable, 'openProject', { path: '/etc' });
  assert.equal(outside.ok, false);
  access.grant(join(root, 'elsewhere'));
  assert.equal((await callChannel(desktopTable, 'createProject', { path: join(root, 'elsewhere', 'p') })).ok, true);
  // Climbing out of a granted folder is still refused.
  const climb = await callChannel(desktopTable, 'openProject', { path: join(root, 'elsewhere', '..', 'journey') });
  assert.equal(climb.ok, false);
  const dialog = await callChannel(desktopTable, 'chooseFolder', { purpose: 'import' });
  assert.deepEqual(dialog, { ok: false, error: 'Folder dialogs exist in the desktop app only; type the folder path instead.' });
  await desktop.close();
});

test('settings carry no path grants: a window cannot set the remembered project, and a doctored settings file grants nothing', async () => {
  const configDir = join(root, 'config-grants');
  const access = new ChosenPaths();
  const first = await createStudio({ mode: 'desktop', version: 'test', configDir, projectsDir: join(root, 'projects'), access, startTraining: fakeTraining });
  const refused = await callChannel(handlersFor(first), 'saveSettings', { lastProject: '/' });
  assert.equal(refused.ok, false);
  if (!refused.ok) assert.match(refused.error, /lastProject/);
  // A project the user really opened is remembered and granted again after a restart.
  const mine = join(root, 'granted-projects', 'mine');
  access.grant(join(root, 'granted-projects'));
  assert.equal((await callChannel(handlersFor(first), 'createProject', { path: mine })).ok, true);
  await first.close();

  // The settings file says "/" (written by hand, or by an older version that let the window set it).
  await writeFile(join(configDir, 'settings.json'), JSON.stringify({ backend: 'auto', lastProject: '/' }));
  const fresh = new ChosenPaths();
  const second = await createStudio({ mode: 'desktop', version: 'test', configDir, projectsDir: join(root, 'projects'), access: fresh, startTraining: fakeTraining });
  assert.equal(await second.project.restoreLast(), null, 'a remembered path that is not a project the user opened is not reopened');
  assert.throws(() => fresh.check(configDir, 'Open project'), /folder dialog/, "the user's configuration folder is not reachable");
  assert.throws(() => fresh.check('/etc', 'Open project'), /folder dialog/);
  assert.equal(fresh.check(mine, 'Open project'), mine, 'the project the user opened is');
  await second.close();
});
