/**
 * One definition of epoch (issue 15): the number of epochs completed at a step. Files keep the
 * whole number, screens show one decimal rounded down, so they never disagree at the same step.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { epochProgress, epochsDone, epochText } from '../../../shared/epochs.js';
import { applyTrainingEvent, idleTraining } from '../../../shared/trainingState.js';

test('the epoch shown is the stored epoch with one decimal, never rounded up', () => {
  // 20 epochs of 62 steps: step 1,195 is inside the 20th epoch, with 19 completed.
  assert.equal(epochsDone(1195, 62), 19);
  assert.equal(epochText(1195, 62), '19.2');
  assert.equal(epochText(1239, 62), '19.9', 'one step before the end is not "20.0"');
  assert.equal(epochText(1240, 62), '20');
  assert.equal(epochText(0, 62), '0');
  assert.equal(epochProgress(1240, 1240, 62), 'epoch 20 of 20');
  assert.equal(epochProgress(1195, 1240, 62), 'epoch 19.2 of 20');
  assert.equal(epochText(7, 0, 3), '3', 'without steps per epoch, the stored epoch');
  for (let step = 0; step <= 200; step++) assert.equal(Math.floor(Number(epochText(step, 13))), epochsDone(step, 13));
});

test('a run that finishes at its last step is at its last epoch, not one more', () => {
  const state = idleTraining();
  applyTrainingEvent(state, {
    type: 'started',
    runId: 'run-001',
    backend: { name: 'cpu', label: 'CPU', device: 'cpu', notes: [] },
    preset: 'mlp',
    params: {} as never,
    stepsPerEpoch: 62,
    totalSteps: 1240,
    step: 1195,
    resumedFrom: 'step-00001195',
  });
  assert.equal(state.epoch, 19);
  assert.equal(state.resumedFrom, 'step-00001195');
  applyTrainingEvent(state, { type: 'finished', step: 1240, reason: 'completed' });
  assert.equal(state.epoch, 20);
  assert.equal(epochProgress(state.step, state.totalSteps, state.stepsPerEpoch), 'epoch 20 of 20');
});
