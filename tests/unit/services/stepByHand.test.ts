import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { StepMetrics, TrainingEvent } from '../../../shared/training.js';
import type { TrainingState } from '../../../shared/trainingState.js';
import { callChannel, handlersFor, type HandlerTable } from '../../../main/ipc.js';
import { anyPath } from '../../../main/services/pathAccess.js';
import { createStudio, type Studio } from '../../../main/services/studio.js';
import { projectLayout } from '../../../main/project/layout.js';
import { testBackendEnv } from '../support/testBackend.js';
import { smallParams, tinyProject } from '../support/tinyProject.js';

/**
 * Steps by hand and the advice view through the contract, against a real training process: Step D
 * changes only D's weights, Step G only G's, Step both both; each is logged in the run's metrics
 * as manual; the advice view comes with the grid only while it is on.
 */
let root: string;
let project: Awaited<ReturnType<typeof tinyProject>>;
let studio: Studio;
let table: HandlerTable;
const seen: TrainingEvent[] = [];

async function call<T>(channel: string, payload: unknown): Promise<T> {
  const result = await callChannel(table, channel, payload);
  assert.ok(result.ok, `${channel} failed: ${result.ok ? '' : result.error}`);
  return result.value as T;
}

/** The next training event matching `match` after now. */
function next<T extends TrainingEvent['type']>(type: T, match: (e: Extract<TrainingEvent, { type: T }>) => boolean = () => true): Promise<Extract<TrainingEvent, { type: T }>> {
  return new Promise((resolve) => {
    const off = studio.events.subscribe((name, data) => {
      const event = data as TrainingEvent;
      if (name === 'trainingEvent' && event.type === type && match(event as Extract<TrainingEvent, { type: T }>)) {
        off();
        resolve(event as Extract<TrainingEvent, { type: T }>);
      }
    });
  });
}

before(async () => {
  Object.assign(process.env, testBackendEnv());
  root = await mkdtemp(join(tmpdir(), 'gan-studio-step-'));
  project = await tinyProject({ size: 16, count: 64 });
  studio = await createStudio({ mode: 'web', version: 'test', configDir: join(root, 'config'), projectsDir: join(root, 'projects'), access: anyPath });
  studio.events.subscribe((name, data) => name === 'trainingEvent' && seen.push(data as TrainingEvent));
  table = handlersFor(studio);
  await call('openProject', { path: project.dir });
});

after(async () => {
  await studio.close();
  await project.cleanup();
  await rm(root, { recursive: true, force: true });
});

test('Step D changes only D, Step G only G, Step both both; logged as manual; advice only while on', async () => {
  for (const preset of ['cdcgan', 'mlp'] as const) {
    seen.length = 0;
    const refused = await callChannel(table, 'stepTraining', { discriminator: 1, generator: false });
    assert.equal(refused.ok, false, 'no run, no step');
    const paused = next('paused', (e) => e.weights !== undefined);
    await call('startTraining', { options: { preset, params: smallParams(preset), epochs: 1000, quality: false, sampleIntervalMs: 100 } });
    const running = await callChannel(table, 'stepTraining', { discriminator: 1, generator: false });
    assert.equal(running.ok, false);
    if (!running.ok) assert.match(running.error, /Pause training first/);
    await call('pauseTraining', {});
    const start = (await paused).weights!;
    assert.equal(seen.some((e) => e.type === 'advice'), false, 'no advice computed while the view is off');

    const dOnly = next('manual-step');
    await call('stepTraining', { discriminator: 1, generator: false });
    const afterD = (await dOnly).weights;
    assert.notEqual(afterD.discriminator, start.discriminator, 'Step D changes D');
    assert.equal(afterD.generator, start.generator, 'Step D leaves G alone');

    const advice = next('advice');
    await call('setAdviceView', { view: 'samples' });
    const gOnly = next('manual-step');
    await call('stepTraining', { discriminator: 0, generator: true });
    const afterG = await gOnly;
    assert.equal(afterG.weights.discriminator, afterD.discriminator, 'Step G leaves D alone');
    assert.notEqual(afterG.weights.generator, afterD.generator, 'Step G changes G');
    const shown = await advice;
    assert.equal(shown.view, 'samples');
    assert.equal(shown.advice.width, shown.grid.width, 'the heat map lies over the grid, cell for cell');
    assert.equal(shown.advice.height, shown.grid.height);

    const realAdvice = next('advice', (e) => e.view === 'real');
    await call('setAdviceView', { view: 'real' });
    const both = next('manual-step');
    const state = await call<TrainingState>('stepTraining', { discriminator: 2, generator: true });
    assert.equal(state.adviceView, 'real');
    const afterBoth = await both;
    assert.notEqual(afterBoth.weights.discriminator, afterG.weights.discriminator);
    assert.notEqual(afterBoth.weights.generator, afterG.weights.generator);
    assert.equal(afterBoth.step, afterG.step + 1);
    assert.equal((await realAdvice).view, 'real');

    await call('setAdviceView', { view: 'off' });
    const finished = next('finished');
    await call('stopTraining', {});
    await finished;
    const runId = studio.training.snapshot().runId!;
    const lines = (await readFile(projectLayout(project.dir).run(runId).metrics, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as StepMetrics);
    assert.deepEqual(
      lines.filter((m) => m.manual).map((m) => m.manual),
      [{ discriminator: 1, generator: false }, { discriminator: 0, generator: true }, { discriminator: 2, generator: true }],
      "the run's metrics record every step taken by hand",
    );
  }
});
