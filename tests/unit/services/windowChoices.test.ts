/**
 * What a window asks of the services and a new user tripped over (issue 15): a preset's params
 * survive switching to another preset and back, `~` in a typed path is the home folder, an export
 * refusal names the Export screen's checkbox (not a command-line flag), and an export's picture
 * can be shown while other folders are refused.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { callChannel, handlersFor, type HandlerTable } from '../../../main/ipc.js';
import { anyPath, expandHome } from '../../../main/services/pathAccess.js';
import { createStudio, type Studio } from '../../../main/services/studio.js';
import { runTraining } from '../../../main/engine/training/runTraining.js';
import { tinyProject } from '../support/tinyProject.js';

let root: string;
let studio: Studio;
let table: HandlerTable;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'gan-studio-choices-'));
  studio = await createStudio({ mode: 'web', version: 'test', configDir: join(root, 'config'), projectsDir: join(root, 'projects'), access: anyPath });
  table = handlersFor(studio);
});

after(async () => {
  await studio.close();
  await rm(root, { recursive: true, force: true });
});

const call = async <T>(channel: string, payload: unknown): Promise<T> => {
  const result = await callChannel(table, channel, payload);
  assert.ok(result.ok, JSON.stringify(result));
  return result.value as T;
};

test('switching preset and back keeps what was set for each, in project.json too', async () => {
  const dir = join(root, 'presets');
  await call('createProject', { path: dir });
  await call('savePresetChoice', { preset: 'cgan', params: { batchSize: 32, hiddenUnits: [32, 64] } });
  await call('savePresetChoice', { preset: 'dcgan', params: { baseFilters: 16 } });
  const file = JSON.parse(await readFile(join(dir, 'project.json'), 'utf8'));
  assert.equal(file.preset, 'dcgan');
  assert.deepEqual(file.params, { baseFilters: 16 });
  assert.deepEqual(file.presetParams.cgan, { batchSize: 32, hiddenUnits: [32, 64] }, 'the cgan edits are kept while dcgan is chosen');
  // The window switches back by sending what the project remembers for cgan.
  const back = await call<{ project: { params: unknown; presetParams: Record<string, unknown> } }>('savePresetChoice', {
    preset: 'cgan',
    params: file.presetParams.cgan,
  });
  assert.deepEqual(back.project.params, { batchSize: 32, hiddenUnits: [32, 64] });
  assert.deepEqual(back.project.presetParams.dcgan, { baseFilters: 16 });
});

test('a typed path starting with ~ is the home folder, not a folder named ~', async () => {
  assert.equal(expandHome('~', '/home/ada'), '/home/ada');
  assert.equal(expandHome('~/Pictures/faces', '/home/ada'), '/home/ada/Pictures/faces');
  assert.equal(expandHome('a/~/b', '/home/ada'), 'a/~/b');
  assert.equal(expandHome('~ada/x', '/home/ada'), '~ada/x');
  const home = process.env.HOME;
  process.env.HOME = join(root, 'home');
  try {
    const created = await call<{ path: string }>('createProject', { path: '~/tilde project' });
    assert.equal(created.path, join(root, 'home', 'tilde project'));
  } finally {
    process.env.HOME = home;
  }
});

test('exports: a refusal names the checkbox, the picture is shown, other folders are refused', async () => {
  const project = await tinyProject({ count: 64 });
  try {
    const end = await runTraining(
      { projectDir: project.dir, options: { preset: 'mlp', params: { batchSize: 16, hiddenUnits: [16, 32] }, epochs: 1, maxSteps: 2, backend: 'wasm', quality: false } },
      () => {},
    );
    assert.equal(end.type, 'finished');
    await call('openProject', { path: project.dir });
    const [run] = await call<{ run: { id: string }; checkpoints: { id: string }[] }[]>('listRuns', {});
    const checkpointId = run.checkpoints.at(-1)!.id;
    const request = { runId: run.run.id, checkpointId, format: 'images', options: { count: 4, seed: 3 } };
    const first = await call<{ outDir: string }>('exportCheckpoint', request);

    const again = await callChannel(table, 'exportCheckpoint', request);
    assert.equal(again.ok, false);
    if (!again.ok) {
      assert.match(again.error, /Replace an earlier export/);
      assert.doesNotMatch(again.error, /--force/);
    }

    const picture = await call<{ file: string; mime: string; bytes: Uint8Array }>('getExportPreview', { outDir: first.outDir });
    assert.equal(picture.file, 'sheet.png');
    assert.equal(picture.mime, 'image/png');
    assert.deepEqual([...picture.bytes.subarray(1, 4)], [...Buffer.from('PNG')]);

    const other = join(root, 'not an export');
    await mkdir(other, { recursive: true });
    await writeFile(join(other, 'sheet.png'), 'secret');
    const refused = await callChannel(table, 'getExportPreview', { outDir: other });
    assert.equal(refused.ok, false);
    if (!refused.ok) assert.match(refused.error, /holds no GAN Studio export/);
  } finally {
    await studio.project.close();
    await project.cleanup();
  }
});
