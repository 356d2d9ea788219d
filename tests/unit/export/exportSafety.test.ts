/**
 * Where an export may go: a new folder (spaces and non-ASCII included), an empty one, an earlier
 * export (only with force), never a folder of other files or a file; a read-only place, a cancel
 * or a failure leave no folder that looks like a finished export, and no staging debris.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../main/engine/backend/initBackend.js';
import { exportCheckpoint } from '../../../main/engine/export/index.js';
import { presetCases, trainCase, TRAINING_BACKEND, type TrainedCase } from './exportFixtures.js';

let work: string;
let trained: TrainedCase;

before(async () => {
  await initBackend(TRAINING_BACKEND);
  work = await mkdtemp(join(tmpdir(), 'gan-export-safety-'));
  trained = await trainCase(presetCases.find((c) => c.preset === 'cgan')!, 2);
});

after(async () => {
  await Promise.all([trained?.cleanup(), rm(work, { recursive: true, force: true })]);
});

/** Nothing but `expected` in `dir`: in particular no hidden staging folders. */
async function onlyEntries(dir: string, expected: string[]) {
  assert.deepEqual((await readdir(dir)).sort(), [...expected].sort());
}

test('a new folder with spaces and non-ASCII characters, inside folders that do not exist yet', async () => {
  const parent = join(work, 'odd', 'Ausgabe für Tests', '出力 ✓');
  const outDir = join(parent, 'my export (1)');
  const result = await exportCheckpoint(trained.checkpointDir, 'onnx', outDir);
  assert.equal(result.outDir, outDir);
  await onlyEntries(outDir, ['generator.onnx', 'metadata.json']);
  await onlyEntries(parent, ['my export (1)']);
  const web = await exportCheckpoint(trained.checkpointDir, 'web', join(parent, 'page ä'));
  assert.ok(web.files.includes('index.html'));
  // The page's model.js is the only copy of the weights: no second TF.js model beside it.
  await onlyEntries(join(parent, 'page ä'), ['app.js', 'index.html', 'metadata.json', 'model.js', 'tf.min.js']);
});

test('an existing empty folder is used', async () => {
  const outDir = join(work, 'empty');
  await mkdir(outDir);
  await exportCheckpoint(trained.checkpointDir, 'tfjs', outDir);
  await onlyEntries(outDir, ['metadata.json', 'model.json', 'weights.bin']);
});

test('an earlier export is refused without force and replaced with it', async () => {
  const outDir = join(work, 'again');
  await exportCheckpoint(trained.checkpointDir, 'images', outDir, { count: 2, seed: 1 });
  await assert.rejects(exportCheckpoint(trained.checkpointDir, 'tfjs', outDir), /already holds an export\. Choose another folder, or replace it \(--force\)/);
  await onlyEntries(outDir, ['images', 'metadata.json', 'sheet.png']);
  await exportCheckpoint(trained.checkpointDir, 'tfjs', outDir, { force: true });
  await onlyEntries(outDir, ['metadata.json', 'model.json', 'weights.bin']);
  assert.deepEqual((await readdir(work)).filter((n) => n.startsWith('.')), [], 'the replaced export and the staging folder are gone');
});

test('a folder holding other files is never replaced, even with force', async () => {
  const outDir = join(work, 'my photos');
  await mkdir(outDir);
  await writeFile(join(outDir, 'holiday.jpg'), 'not really a photo');
  for (const force of [false, true]) {
    await assert.rejects(exportCheckpoint(trained.checkpointDir, 'onnx', outDir, { force }), /is not empty and holds files GAN Studio did not write; choose a new or empty folder/);
  }
  await onlyEntries(outDir, ['holiday.jpg']);
  assert.equal(await readFile(join(outDir, 'holiday.jpg'), 'utf8'), 'not really a photo');
});

test('a file where the folder should be is refused', async () => {
  const outDir = join(work, 'a file');
  await writeFile(outDir, 'x');
  await assert.rejects(exportCheckpoint(trained.checkpointDir, 'onnx', outDir, { force: true }), /is a file; exports are written into a folder/);
});

test('a read-only parent folder gives a clear error and leaves nothing behind', async (t) => {
  const parent = join(work, 'read only');
  await mkdir(parent);
  const restore = await makeReadOnly(parent);
  if (!restore) {
    t.skip('this user can write to read-only folders and chattr is not available');
    return;
  }
  try {
    await assert.rejects(exportCheckpoint(trained.checkpointDir, 'onnx', join(parent, 'export')), /Cannot write an export into .*read only: permission denied/);
  } finally {
    await restore();
  }
  await onlyEntries(parent, []);
});

test('cancelling leaves no export and no staging folder; the folder never exists half-written', async () => {
  const parent = join(work, 'cancel');
  await mkdir(parent);
  const outDir = join(parent, 'cancelled');
  const abort = new AbortController();
  let sawProgress = 0;
  await assert.rejects(
    exportCheckpoint(trained.checkpointDir, 'images', outDir, {
      count: 200,
      signal: abort.signal,
      onProgress: (p) => {
        sawProgress++;
        assert.equal(existsSync(outDir), false, 'the export folder appears only when complete');
        if (p.done >= 64) abort.abort();
      },
    }),
    { name: 'AbortError' },
  );
  assert.ok(sawProgress > 1);
  await onlyEntries(parent, []);
});

test('a failure half-way keeps the earlier export as it was', async () => {
  const outDir = join(work, 'kept');
  await exportCheckpoint(trained.checkpointDir, 'onnx', outDir);
  const before = await readFile(join(outDir, 'generator.onnx'));
  const abort = new AbortController();
  await assert.rejects(
    exportCheckpoint(trained.checkpointDir, 'gif', outDir, { force: true, signal: abort.signal, onProgress: (p) => p.done === 5 && abort.abort() }),
    { name: 'AbortError' },
  );
  await onlyEntries(outDir, ['generator.onnx', 'metadata.json']);
  assert.ok(before.equals(await readFile(join(outDir, 'generator.onnx'))));
  assert.deepEqual((await readdir(work)).filter((n) => n.startsWith('.')), [], 'no staging folders left');
});

/**
 * Makes a folder read-only for this process. chmod is enough for ordinary users; root ignores
 * permissions, so there the immutable attribute (chattr +i) is used where the filesystem has it.
 * Returns a function undoing it, or null when neither works.
 */
async function makeReadOnly(dir: string): Promise<(() => Promise<void>) | null> {
  await chmod(dir, 0o555);
  const probe = join(dir, '.probe');
  try {
    await writeFile(probe, '');
    await rm(probe);
  } catch {
    return () => chmod(dir, 0o755);
  }
  await chmod(dir, 0o755);
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
    return async () => {
      execFileSync('chattr', ['-i', dir], { stdio: 'ignore' });
    };
  } catch {
    return null;
  }
}
