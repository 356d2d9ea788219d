import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measuresPresent, qualityPoints } from '../../../shared/qualityPoints.js';
import type { QualityAlarm } from '../../../shared/quality.js';
import { applyTrainingEvent, idleTraining } from '../../../shared/trainingState.js';

test('quality points: measured checkpoints only, in step order, with no stray fields', () => {
  const points = qualityPoints([
    { step: 200, quality: { frechetDistance: 4, recall: 0.5, somethingNew: 9 } },
    { step: 0, quality: { frechetDistance: 30, recall: 0.01 } },
    { step: 100 },
    { step: 150, quality: { frechetDistance: Number.NaN } },
  ]);
  assert.deepEqual(points, [
    { step: 0, frechetDistance: 30, recall: 0.01 },
    { step: 200, frechetDistance: 4, recall: 0.5 },
  ]);
  assert.deepEqual(measuresPresent(points), ['frechetDistance', 'recall']);
  assert.deepEqual(qualityPoints([]), []);
});

test('training state: quality events fill the Train screen state, and a new run starts clean', () => {
  const state = idleTraining();
  applyTrainingEvent(state, { type: 'feature-net', state: 'training', done: 3, total: 10, message: 'Training the feature network' });
  assert.deepEqual(state.quality.featureNet, { state: 'training', done: 3, total: 10, message: 'Training the feature network' });
  applyTrainingEvent(state, {
    type: 'feature-net',
    state: 'ready',
    cached: false,
    seconds: 12,
    message: 'ready',
    kind: 'classifier',
    sampleCount: 500,
    referenceCount: 500,
    real: { frechetDistance: 1.5 },
  });
  assert.equal(state.quality.featureNet?.state, 'ready');
  const alarm: QualityAlarm = {
    kind: 'mode-collapse',
    severity: 'collapsed',
    checkpointId: 'step-00000100',
    step: 100,
    title: 'Mode collapse',
    explanation: 'alike',
    suggestions: ['lower the learning rate'],
    evidence: [{ measure: 'recall', value: 0.01 }],
  };
  applyTrainingEvent(state, { type: 'alarm', alarm });
  applyTrainingEvent(state, { type: 'best-checkpoint', measure: 'frechetDistance', checkpointId: 'step-00000050', step: 50, value: 3 });
  applyTrainingEvent(state, {
    type: 'early-stop',
    step: 300,
    measure: 'frechetDistance',
    patience: 3,
    best: { checkpointId: 'step-00000050', step: 50, value: 3 },
    message: 'No better for 3 checkpoints',
  });
  assert.deepEqual(state.quality.alarm, alarm);
  assert.deepEqual(state.quality.best, { measure: 'frechetDistance', checkpointId: 'step-00000050', step: 50, value: 3 });
  assert.equal(state.quality.earlyStop, 'No better for 3 checkpoints');
  assert.deepEqual(idleTraining().quality, { featureNet: null, alarm: null, best: null, earlyStop: null });
});
