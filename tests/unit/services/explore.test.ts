import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gridCell, type NearestResult } from '../../../shared/explore.js';
import type { RunSummary } from '../../../shared/project.js';
import type { SampleGrid } from '../../../shared/training.js';
import { callChannel, handlersFor, type HandlerTable } from '../../../main/ipc.js';
import { anyPath } from '../../../main/services/pathAccess.js';
import { createStudio, type Studio } from '../../../main/services/studio.js';
import { presetCases, trainCase, type TrainedCase } from '../export/exportFixtures.js';

/** The explorer's channels: validated at the boundary with messages that say what is wrong, drawn in the tensor worker. */
let root: string;
let trained: TrainedCase;
let studio: Studio;
let table: HandlerTable;
let at: { runId: string; checkpointId: string };

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'gan-studio-explore-'));
  trained = await trainCase(presetCases.find((c) => c.preset === 'cgan')!, 2);
  studio = await createStudio({ mode: 'web', version: 'test', configDir: join(root, 'config'), projectsDir: join(root, 'projects'), access: anyPath });
  table = handlersFor(studio);
  assert.ok((await callChannel(table, 'openProject', { path: trained.project })).ok);
  const runs = await callChannel(table, 'listRuns', {});
  assert.ok(runs.ok);
  const [run] = runs.value as RunSummary[];
  at = { runId: run.run.id, checkpointId: run.checkpoints.at(-1)!.id };
});

after(async () => {
  await studio.close();
  await trained.cleanup();
  await rm(root, { recursive: true, force: true });
});

test('out-of-range explorer requests are refused with a message naming the field', async () => {
  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['exploreSamples', { psi: 2.5 }, /psi: ψ must be at most 2/],
    ['exploreSamples', { psi: -0.1 }, /psi: ψ must be at least 0/],
    ['exploreSamples', { count: 65 }, /count: must be at most 64/],
    ['exploreWalk', { from: 0, to: 64 }, /to: must be a sample number up to 63/],
    ['exploreWalk', { from: 0, to: 1, steps: 65 }, /steps: must be at most 64/],
    ['exploreDirections', { pick: 0, count: 9 }, /count: must be at most 8/],
    ['exploreDirections', { pick: 0, offsets: [7] }, /offsets\.0/],
    ['exploreMorph', { pick: 0, from: 0, to: 1, steps: 1 }, /steps: must be at least 2/],
    ['exploreNearest', { pick: 0, k: 33 }, /k: must be at most 32/],
    ['exploreNearest', { pick: 0, k: 4, extra: 1 }, /extra/],
  ];
  for (const [channel, fields, message] of refused) {
    const result = await callChannel(table, channel, { ...at, ...fields });
    assert.equal(result.ok, false, `${channel} ${JSON.stringify(fields)} is refused`);
    if (!result.ok) assert.match(result.error, message);
  }
});

test('the explorer channels draw through the tensor worker: walks, classes, morphs, nearest images', async () => {
  const call = async <T>(channel: string, fields: Record<string, unknown>): Promise<T> => {
    const result = await callChannel(table, channel, { ...at, ...fields });
    assert.ok(result.ok, `${channel}: ${result.ok ? '' : result.error}`);
    return result.value as T;
  };
  const samples = await call<SampleGrid>('exploreSamples', { seed: 3, count: 8, classId: 2 });
  const walk = await call<SampleGrid>('exploreWalk', { seed: 3, from: 1, to: 6, steps: 5, classId: 2 });
  assert.deepEqual(gridCell(walk, 0).rgba, gridCell(samples, 1).rgba, 'the walk starts at sample 1');
  assert.deepEqual(gridCell(walk, 4).rgba, gridCell(samples, 6).rgba, 'and ends at sample 6');
  const classes = await call<SampleGrid>('exploreClasses', { seed: 3, count: 4 });
  assert.deepEqual([classes.rows, classes.cols], [4, 4]);
  const morph = await call<SampleGrid>('exploreMorph', { seed: 3, pick: 1, from: 0, to: 2, steps: 4 });
  assert.deepEqual(gridCell(morph, 3).rgba, gridCell(walk, 0).rgba, 'the morph ends at sample 1 in class 2');
  const nearest = await call<NearestResult>('exploreNearest', { seed: 3, pick: 1, classId: 2, k: 4 });
  assert.deepEqual(nearest.sample.rgba, gridCell(walk, 0).rgba);
  assert.equal(nearest.pixel.indices.length, 4);
  assert.equal(nearest.pixel.labels.length, 4, 'the shapes are labelled');
  const wrong = await callChannel(table, 'exploreSamples', { ...at, classId: 7 });
  assert.ok(!wrong.ok && /no class 7/.test(wrong.error));
});
