import type { PresetId } from './presets.js';
import type { FeatureNetSummary, MeasureId, QualityAlarm } from './quality.js';
import type { CheckpointInfo } from './checkpoint.js';
import { epochsDone } from './epochs.js';
import type { AdviceView, BackendInfo, ManualStep, SampleGrid, StepMetrics, TrainingEvent, WeightFingerprints } from './training.js';

/** 'pausing': asked to pause, waiting for the step in progress (or a checkpoint being measured) to end. */
export type TrainingStatus = 'idle' | 'starting' | 'running' | 'pausing' | 'paused' | 'stopping' | 'finished' | 'failed';

/** The statuses in which a run holds the training process (a new one cannot start). */
export const activeStatuses: readonly TrainingStatus[] = ['starting', 'running', 'pausing', 'paused', 'stopping'];

/**
 * What a window needs to draw the Train screen: the services keep one, and a window that opens
 * (or reloads) mid-run starts from it and then applies the same events the services apply.
 */
export interface TrainingState {
  status: TrainingStatus;
  projectPath: string | null;
  runId: string | null;
  backend: BackendInfo | null;
  preset: PresetId | null;
  stepsPerEpoch: number;
  totalSteps: number;
  step: number;
  epoch: number;
  /** Logged metrics of this session, thinned evenly once there are many. */
  metrics: StepMetrics[];
  latest: StepMetrics | null;
  sample: { step: number; epoch: number; grid: SampleGrid } | null;
  checkpoints: CheckpointInfo[];
  /** Why the run ended, or what went wrong. */
  message: string | null;
  /** The checkpoint a resumed run started from. */
  resumedFrom: string | null;
  log: string[];
  quality: QualityState;
  /** What the advice view shows, and its latest picture. */
  adviceView: AdviceView;
  advice: { step: number; view: Exclude<AdviceView, 'off'>; grid: SampleGrid; advice: SampleGrid } | null;
  /** Steps taken by hand while paused: the weights' fingerprints now, and which the last step changed. */
  manual: { weights: WeightFingerprints | null; last: ManualStep | null; changed: { generator: boolean; discriminator: boolean } | null };
}

/** The feature network behind the quality measures, as the Train screen reports it. */
export type FeatureNetState =
  | { state: 'training'; done: number; total: number; message: string }
  | ({ state: 'ready'; cached: boolean; message: string } & FeatureNetSummary)
  | { state: 'unavailable'; message: string };

/** What the run has learned about image quality so far (issue 5). */
export interface QualityState {
  featureNet: FeatureNetState | null;
  /** The latest mode-collapse alarm; it stays until the run ends, since a collapse rarely heals itself. */
  alarm: QualityAlarm | null;
  best: { measure: MeasureId; checkpointId: string; step: number; value: number } | null;
  /** Why the run stopped early, when it did. */
  earlyStop: string | null;
}

export const noQuality = (): QualityState => ({ featureNet: null, alarm: null, best: null, earlyStop: null });

export const idleTraining = (): TrainingState => ({
  status: 'idle',
  projectPath: null,
  runId: null,
  backend: null,
  preset: null,
  stepsPerEpoch: 0,
  totalSteps: 0,
  step: 0,
  epoch: 0,
  metrics: [],
  latest: null,
  sample: null,
  checkpoints: [],
  message: null,
  resumedFrom: null,
  log: [],
  quality: noQuality(),
  adviceView: 'off',
  advice: null,
  manual: { weights: null, last: null, changed: null },
});

const MAX_LOG = 50;

/** Updates `state` in place for one event (in place so a reactive store re-renders only what changed). */
export function applyTrainingEvent(state: TrainingState, event: TrainingEvent, maxMetrics = 5000): void {
  switch (event.type) {
    case 'started':
      state.status = 'running';
      state.runId = event.runId;
      state.backend = event.backend;
      state.preset = event.preset;
      state.stepsPerEpoch = event.stepsPerEpoch;
      state.totalSteps = event.totalSteps;
      state.step = event.step;
      state.epoch = epochsDone(event.step, event.stepsPerEpoch);
      state.message = null;
      state.resumedFrom = event.resumedFrom ?? null;
      break;
    case 'metrics': {
      const { type: _type, totalSteps, ...metrics } = event;
      state.totalSteps = totalSteps;
      state.step = metrics.step;
      state.epoch = metrics.epoch;
      state.latest = metrics;
      state.metrics.push(metrics);
      if (state.metrics.length > maxMetrics) state.metrics = thinEvenly(state.metrics);
      break;
    }
    case 'sample':
      state.sample = { step: event.step, epoch: event.epoch, grid: event.grid };
      break;
    case 'advice':
      state.advice = { step: event.step, view: event.view, grid: event.grid, advice: event.advice };
      break;
    case 'manual-step': {
      const before = state.manual.weights;
      state.step = event.step;
      state.manual = {
        weights: event.weights,
        last: event.manual,
        changed: before ? { generator: before.generator !== event.weights.generator, discriminator: before.discriminator !== event.weights.discriminator } : null,
      };
      break;
    }
    case 'checkpoint':
      state.checkpoints.push(event.checkpoint);
      break;
    case 'epoch':
      state.epoch = event.epoch;
      break;
    case 'paused':
      state.status = 'paused';
      state.step = event.step;
      if (event.weights) state.manual = { weights: event.weights, last: null, changed: null };
      break;
    case 'resumed':
      state.status = 'running';
      state.step = event.step;
      break;
    case 'finished':
      state.status = 'finished';
      state.step = event.step;
      state.epoch = epochsDone(event.step, state.stepsPerEpoch);
      state.message = event.reason === 'completed' ? 'Training completed.' : `Stopped at step ${event.step}; a checkpoint was kept.`;
      break;
    case 'failed':
      state.status = 'failed';
      state.message = event.message;
      break;
    case 'log':
      state.log.push(event.message);
      if (state.log.length > MAX_LOG) state.log.splice(0, state.log.length - MAX_LOG);
      break;
    case 'feature-net': {
      const { type: _type, ...featureNet } = event;
      state.quality = { ...state.quality, featureNet };
      break;
    }
    case 'alarm':
      state.quality = { ...state.quality, alarm: event.alarm };
      break;
    case 'best-checkpoint': {
      const { type: _type, ...best } = event;
      state.quality = { ...state.quality, best };
      break;
    }
    case 'early-stop':
      state.quality = { ...state.quality, earlyStop: event.message };
      break;
  }
}

/** Every other point, keeping the last: halves the list while keeping its shape over the whole run. */
function thinEvenly<T>(items: T[]): T[] {
  const kept = items.filter((_, i) => i % 2 === 0);
  if (kept.at(-1) !== items.at(-1)) kept.push(items.at(-1)!);
  return kept;
}
