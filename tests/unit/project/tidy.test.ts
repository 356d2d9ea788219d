import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { RunInfo } from '../../../shared/training.js';
import { projectLayout } from '../../../main/project/layout.js';
import { lockProject } from '../../../main/project/lock.js';
import { RUN_FORMAT_VERSION } from '../../../shared/training.js';
import { listRuns } from '../../../main/project/runs.js';
import { tidyIfFree } from '../../../main/project/tidy.js';
import { tinyProject } from '../support/tinyProject.js';

const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

const runFile = (id: string, status: RunInfo['status'], writer?: RunInfo['writer']): RunInfo => ({
  format: 'gan-studio/run',
  version: RUN_FORMAT_VERSION,
  id,
  preset: 'mlp',
  params: {} as RunInfo['params'],
  seed: 1,
  epochs: 1,
  stepsPerEpoch: 1,
  createdAt: new Date().toISOString(),
  status,
  writer,
});

test("opening a project removes killed processes' leftovers, never a live process's work, and marks orphaned runs interrupted", async () => {
  const project = await tinyProject({ size: 8, count: 16 });
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    const layout = projectLayout(project.dir);
    const dead = deadPid();
    const live = sleeper.pid!;
    const leftovers = [
      `.dataset.staging-${dead}-aaaa1111`,
      '.dataset.staging-deadbeef', // an earlier version's name, without a pid
      `dataset.old-${dead}-bbbb2222`,
    ];
    for (const name of leftovers) await mkdir(join(project.dir, name, 'inner'), { recursive: true });
    await writeFile(join(project.dir, `.project.json.${dead}-cccc3333.tmp`), '{');
    const alive = `.dataset.staging-${live}-dddd4444`;
    await mkdir(join(project.dir, alive));
    const run1 = layout.run('run-001');
    await mkdir(join(run1.checkpointsDir, `.step-00000004.staging-${dead}-eeee5555`), { recursive: true });
    await writeFile(run1.runFile, JSON.stringify(runFile('run-001', 'running', { pid: dead, host: hostname() })));
    const run2 = layout.run('run-002');
    await writeFile(join(await mkdirp(run2.dir), 'run.json'), JSON.stringify(runFile('run-002', 'running', { pid: live, host: hostname() })));
    await mkdirp(layout.run('run-003').checkpointsDir); // killed before its run.json
    await mkdirp(join(layout.cacheDir, 'quality', `.0123abcd.staging-${dead}-ffff6666`));
    await mkdirp(join(layout.exportsDir, `.run-001-step-4-tfjs.staging-${dead}-0000aaaa`));

    // Readers see the truth before anything is repaired.
    assert.deepEqual((await listRuns(project.dir)).map((r) => [r.run.id, r.run.status]), [['run-001', 'interrupted'], ['run-002', 'running']]);

    const held = await lockProject(project.dir, 'training');
    assert.equal(await tidyIfFree(project.dir), null, 'nothing is touched while another writer holds the project');
    await held.release();

    const report = await tidyIfFree(project.dir);
    assert.ok(report);
    assert.deepEqual(report.interrupted, ['run-001']);
    assert.deepEqual((await readdir(project.dir)).sort(), [alive, 'cache', 'dataset', 'exports', 'project.json', 'runs'].sort());
    assert.deepEqual(await readdir(run1.checkpointsDir), []);
    assert.deepEqual(await readdir(layout.runsDir), ['run-001', 'run-002'], 'the empty run folder is gone');
    assert.deepEqual(await readdir(join(layout.cacheDir, 'quality')), []);
    assert.deepEqual(await readdir(layout.exportsDir), []);
    const info = JSON.parse(await readFile(run1.runFile, 'utf8')) as RunInfo;
    assert.equal(info.status, 'interrupted');
    assert.match(info.message ?? '', /resume/);
    assert.equal((JSON.parse(await readFile(run2.runFile, 'utf8')) as RunInfo).status, 'running', "a live process's run is left alone");
    assert.equal(report.actions.length, 8, report.actions.join('\n'));
  } finally {
    sleeper.kill();
    await project.cleanup();
  }
});

async function mkdirp(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}
