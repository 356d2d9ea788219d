import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { importBuiltin } from '../../../main/data/builtins/index.js';
import { exportCheckpoint } from '../../../main/engine/export/index.js';
import { withCheckpoint } from '../../../main/project/findCheckpoint.js';
import { openProject } from '../../../main/project/project.js';
import { jsonEvent, startCli } from '../support/cliProcess.js';
import { tinyProject } from '../support/tinyProject.js';

/**
 * Two `gan-studio train` started together on one project: one trains, the other is refused with
 * the holder named (they used to both print "Training run-001" and one replaced the other's run).
 * Meanwhile another writer (import) is refused too, and readers (sample, export) work.
 */
test('two writers on one project: the second is refused naming the holder, readers work meanwhile', async () => {
  const project = await tinyProject({ size: 8, count: 64 });
  const started: ReturnType<typeof startCli>[] = [];
  try {
    const args = ['train', '--project', project.dir, '--preset', 'mlp', '--param', 'hiddenUnits=[16,16]', '--param', 'batchSize=16', '--epochs', '100000', '--no-quality', '--json'];
    const both = [startCli(args), startCli(args)];
    started.push(...both);
    const loserIndex = await Promise.race(both.map((p, i) => p.exited.then(() => i)));
    const loser = both[loserIndex];
    const winner = both[1 - loserIndex];
    const refused = await loser.exited;
    assert.equal(refused.code, 1, refused.output);
    assert.match(refused.output, new RegExp(`is in use: training in process \\d+ on .+, started by process ${winner.child.pid}\\.`));
    assert.doesNotMatch(refused.output, /"type":"started"/, 'the refused one never started a run');

    await winner.line((l) => jsonEvent(l)?.type === 'metrics');
    await assert.rejects(importBuiltin('shapes', project.dir, { size: 8, count: 32 }), /is in use: training in process \d+/, 'another writer is refused too');
    const save = await startCli(['evaluate', '--project', project.dir, '--save']).exited;
    assert.equal(save.code, 1, save.output);
    assert.match(save.output, /is in use: training in process \d+/, 'evaluate --save writes into a checkpoint: refused too');

    const sheet = join(project.dir, 'sheet.png');
    const sample = await startCli(['sample', '--project', project.dir, '--count', '4', '--out', sheet]).exited;
    assert.equal(sample.code, 0, sample.output);
    assert.equal((await sharp(sheet).metadata()).width, 2 * 8 + 2);
    // The latest checkpoint can be deleted by retention as the run goes on: readers find the new latest.
    const exported = await withCheckpoint(project.dir, {}, (found) => exportCheckpoint(found.dir, 'tfjs', join(project.dir, 'exported')));
    assert.ok(exported.files.includes('model.json'), 'export works');
    const summary = await openProject(project.dir);
    assert.deepEqual(summary.runs.map((r) => [r.run.id, r.run.status]), [['run-001', 'running']], 'one run, live');

    winner.child.kill('SIGINT');
    const stopped = await winner.exited;
    assert.equal(stopped.code, 0, stopped.output);
    assert.deepEqual((await openProject(project.dir)).runs.map((r) => [r.run.id, r.run.status]), [['run-001', 'stopped']]);
  } finally {
    // A failed assertion must not leave a training process writing into the folder being removed.
    for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(started.map((p) => p.exited));
    await project.cleanup();
  }
});
