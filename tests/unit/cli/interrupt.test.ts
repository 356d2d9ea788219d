import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunInfo } from '../../../shared/training.js';
import { findCheckpoint } from '../../../main/project/findCheckpoint.js';
import { checkpointId, projectLayout } from '../../../main/project/layout.js';
import { lockFilePath } from '../../../main/project/lock.js';
import { processState, type ProcessRef } from '../../../main/project/processes.js';
import { listRuns } from '../../../main/project/runs.js';
import { jsonEvent, startCli } from '../support/cliProcess.js';
import { connectSocket } from '../support/socketClient.js';
import { tinyProject } from '../support/tinyProject.js';

const trainArgs = (dir: string) => ['train', '--project', dir, '--preset', 'mlp', '--param', 'hiddenUnits=[16,16]', '--param', 'batchSize=16', '--epochs', '100000', '--no-quality', '--json'];
const runInfo = async (dir: string): Promise<RunInfo> => JSON.parse(await readFile(projectLayout(dir).run('run-001').runFile, 'utf8')) as RunInfo;
const metricsAt = (step: number) => (line: string) => {
  const event = jsonEvent(line);
  return event?.type === 'metrics' && (event.step as number) >= step;
};

/** Resolves once no process holds the project's lock (the training process has exited). */
async function lockReleased(dir: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (await stat(lockFilePath(dir)).then(() => true, () => false)) {
    if (Date.now() > until) throw new Error('the training process still holds the project');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function processGone(ref: ProcessRef, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (processState(ref) !== 'gone') {
    if (Date.now() > until) throw new Error(`process ${ref.pid} is still running`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('Ctrl-C to the process group during gan-studio train: a checkpoint at the stop step, exit code 0, status stopped', async () => {
  const project = await tinyProject({ size: 8, count: 64 });
  try {
    const train = startCli(trainArgs(project.dir), { detached: true });
    await train.line(metricsAt(3));
    // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group.
    process.kill(-train.child.pid!, 'SIGINT');
    const { code, output } = await train.exited;
    assert.equal(code, 0, output);
    const finished = output.split('\n').map(jsonEvent).find((e) => e?.type === 'finished' || e?.type === 'failed');
    assert.equal(finished?.type, 'finished', output);
    assert.equal(finished?.reason, 'stopped');
    const step = finished?.step as number;
    assert.ok(step >= 3);
    assert.equal((await runInfo(project.dir)).status, 'stopped');
    assert.equal((await findCheckpoint(project.dir)).checkpoint.id, checkpointId(step), 'the latest checkpoint is at the stop step');
    await lockReleased(project.dir);
  } finally {
    await project.cleanup();
  }
});

test('a second Ctrl-C quits at once and keeps the last complete checkpoint; the run is never left running', async () => {
  const project = await tinyProject({ size: 8, count: 64 });
  try {
    const train = startCli(trainArgs(project.dir), { detached: true });
    await train.line(metricsAt(3));
    process.kill(-train.child.pid!, 'SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    try {
      process.kill(-train.child.pid!, 'SIGINT');
    } catch {
      // The group had already finished stopping.
    }
    const { code, output } = await train.exited;
    assert.ok(code === 130 || code === 0, `exit code ${code}: ${output}`);
    await lockReleased(project.dir);
    // The lock goes as the training process exits; the run is judged once the process is gone.
    const writer = (await runInfo(project.dir)).writer;
    if (writer) await processGone(writer);
    const [run] = await listRuns(project.dir);
    assert.ok(run.run.status === 'stopped' || run.run.status === 'interrupted', `status ${run.run.status}`);
    const latest = await findCheckpoint(project.dir);
    assert.ok(latest.checkpoint.step >= 0, 'a complete checkpoint to resume from');
    const resume = startCli(['train', '--project', project.dir, '--resume', '--max-steps', String(latest.checkpoint.step + 1), '--json']);
    const resumed = await resume.exited;
    assert.equal(resumed.code, 0, resumed.output);
    assert.match(resumed.output, new RegExp(`"resumedFrom":"${latest.checkpoint.id}"`));
  } finally {
    await project.cleanup();
  }
});

test('when gan-studio train is killed, its training process writes a stop checkpoint and marks the run stopped', async () => {
  const project = await tinyProject({ size: 8, count: 64 });
  try {
    const train = startCli(trainArgs(project.dir), { detached: true });
    const seen = jsonEvent(await train.line(metricsAt(3)))!;
    process.kill(train.child.pid!, 'SIGKILL');
    await train.exited;
    await lockReleased(project.dir);
    const info = await runInfo(project.dir);
    assert.equal(info.status, 'stopped', `status ${info.status}: ${info.message ?? ''}`);
    assert.ok((await findCheckpoint(project.dir)).checkpoint.step >= (seen.step as number), 'a checkpoint at the step it stopped');
  } finally {
    await project.cleanup();
  }
});

test("Ctrl-C to gan-studio serve's process group during training: a checkpoint at the stop step, exit code 0, status stopped", async () => {
  const project = await tinyProject({ size: 8, count: 64 });
  const config = await mkdtemp(join(tmpdir(), 'gan-serve-config-'));
  try {
    const serve = startCli(['serve', '--project', project.dir, '--config-dir', config, '--projects-dir', config], { detached: true });
    const url = new URL((await serve.line((l) => l.startsWith('Open '))).slice(5));
    const client = await connectSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`);
    const started = await client.call('startTraining', { options: { preset: 'mlp', params: { hiddenUnits: [16, 16], batchSize: 16 }, epochs: 100000, quality: false } });
    assert.equal(started.kind === 'reply' && started.result.ok, true, JSON.stringify(started));
    const until = Date.now() + 120_000;
    let lastStep = -1;
    while (lastStep < 3 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      for (const e of client.events) if (e.event === 'trainingEvent' && (e.data as { type: string }).type === 'metrics') lastStep = Math.max(lastStep, (e.data as { step: number }).step);
    }
    assert.ok(lastStep >= 3, 'training got going');
    process.kill(-serve.child.pid!, 'SIGINT');
    const { code, output } = await serve.exited;
    assert.equal(code, 0, output);
    await lockReleased(project.dir);
    const info = await runInfo(project.dir);
    assert.equal(info.status, 'stopped', output);
    const finished = client.events.map((e) => e.data as { type: string; step?: number }).find((d) => d.type === 'finished');
    const latest = await findCheckpoint(project.dir);
    if (finished) assert.equal(latest.checkpoint.step, finished.step, 'the latest checkpoint is at the stop step');
    else assert.ok(latest.checkpoint.step >= lastStep, 'a checkpoint at or after the last step seen');
  } finally {
    await project.cleanup();
    await rm(config, { recursive: true, force: true });
  }
});
