import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveLockHolder, lockFilePath, lockProject, ProjectBusyError } from '../../../main/project/lock.js';
import { claimRunId } from '../../../main/project/runs.js';

const exists = (path: string) => stat(path).then(() => true, () => false);

/** The pid of a process that has exited (and been reaped): certainly not running. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gan-lock-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a second writer is refused with the holder named; release lets the next one in', () =>
  withDir(async (dir) => {
    const first = await lockProject(dir, 'training');
    const text = JSON.parse(await readFile(lockFilePath(dir), 'utf8'));
    assert.equal(text.pid, process.pid);
    assert.equal(text.host, hostname());
    await assert.rejects(lockProject(dir, 'importing a dataset'), (error: Error) => {
      assert.ok(error instanceof ProjectBusyError);
      assert.match(error.message, new RegExp(`in use: training in process ${process.pid} on ${hostname()} since `));
      assert.match(error.message, /sample, evaluate and export still work/);
      return true;
    });
    assert.equal((await liveLockHolder(dir))?.purpose, 'training');
    await first.release();
    assert.equal(await exists(lockFilePath(dir)), false);
    assert.equal(await liveLockHolder(dir), null);
    const second = await lockProject(dir, 'importing a dataset');
    await second.release();
    assert.deepEqual(await readdir(dir), [], 'no temp files left beside the lock');
  }));

test('a lock whose process has gone, or that cannot be read, is stale and taken over', () =>
  withDir(async (dir) => {
    await writeFile(lockFilePath(dir), JSON.stringify({ pid: deadPid(), host: hostname(), purpose: 'training', since: 'yesterday' }));
    assert.equal(await liveLockHolder(dir), null);
    const lock = await lockProject(dir, 'training');
    assert.equal(lock.holder.pid, process.pid);
    await lock.release();

    await writeFile(lockFilePath(dir), '{"pid": 12');
    await (await lockProject(dir, 'training')).release();
    // The pid is alive but belongs to a process started at another time: a reused pid, not the holder.
    await writeFile(lockFilePath(dir), JSON.stringify({ pid: process.pid, host: hostname(), started: '1', purpose: 'training', since: 'then' }));
    await (await lockProject(dir, 'training')).release();
  }));

test("a lock held on another machine cannot be checked: refused, saying how to clear it if it is stale", () =>
  withDir(async (dir) => {
    await writeFile(lockFilePath(dir), JSON.stringify({ pid: 4242, host: 'render-box', purpose: 'training', since: 'noon' }));
    await assert.rejects(lockProject(dir, 'training'), (error: Error) => {
      assert.match(error.message, /training in process 4242 on render-box since noon/);
      assert.match(error.message, /If nothing runs on render-box any more, delete .*\.lock/);
      return true;
    });
  }));

test('a process that exits without releasing (process.exit) leaves no lock behind', () =>
  withDir(async (dir) => {
    const lockModule = join(import.meta.dirname, '..', '..', '..', 'main', 'project', 'lock.ts');
    const script = `import { lockProject } from ${JSON.stringify(lockModule)}; await lockProject(${JSON.stringify(dir)}, 'training'); process.exit(3);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 3, child.stderr);
    assert.equal(await exists(lockFilePath(dir)), false);
  }));

test('run ids are claimed by creating the folder: writers starting together never get the same run', () =>
  withDir(async (dir) => {
    const ids = await Promise.all(Array.from({ length: 8 }, () => claimRunId(dir)));
    assert.equal(new Set(ids).size, 8, ids.join(' '));
    assert.deepEqual([...ids].sort(), ['run-001', 'run-002', 'run-003', 'run-004', 'run-005', 'run-006', 'run-007', 'run-008']);
  }));
