import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { PresetId } from '../shared/presets.js';
import type { TrainingEvent } from '../shared/training.js';
import { writeDataset } from '../main/data/datasetCache.js';
import { startTraining } from '../main/engine/training/startTraining.js';
import { syntheticDataset } from './syntheticDataset.js';

const RESOLUTION_MS = 2;

export interface LagFigures {
  preset: PresetId;
  steps: number;
  /** Event-loop delay of the caller while the run streamed its events, ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  metricsEvents: number;
  sampleEvents: number;
}

/**
 * Starts a real training run the way the app does (a separate process streaming typed events)
 * with sample grids every 250 ms and metrics every 100 ms, and measures how late the caller's
 * event loop runs meanwhile: what the window's main process would feel.
 */
export async function measureEventLoopLag(preset: PresetId = 'mlp', steps = 80): Promise<LagFigures> {
  const projectDir = await mkdtemp(join(tmpdir(), 'gan-bench-lag-'));
  try {
    const { manifest, images, labels } = syntheticDataset(2048);
    await writeDataset(projectDir, manifest, images, labels);
    const counts = { metrics: 0, sample: 0 };
    let monitoring = false;
    const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    const handle = startTraining(
      {
        projectDir,
        options: { preset, params: { batchSize: 64 }, epochs: 100, maxSteps: steps, seed: 3, sampleIntervalMs: 250, metricsIntervalMs: 100 },
      },
      (event: TrainingEvent) => {
        // Start measuring once training runs: the child's start-up is not streaming.
        if (event.type === 'started' && !monitoring) {
          monitoring = true;
          delay.enable();
        }
        if (event.type === 'metrics') counts.metrics++;
        if (event.type === 'sample') counts.sample++;
      },
    );
    const done = await handle.done;
    delay.disable();
    if (done.type === 'failed') throw new Error(`the training run failed: ${done.message}`);
    // The histogram holds the time between timer ticks, so an idle loop reads the resolution.
    const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    return {
      preset,
      steps,
      p50Ms: ms(delay.percentile(50)),
      p99Ms: ms(delay.percentile(99)),
      maxMs: ms(delay.max),
      metricsEvents: counts.metrics,
      sampleEvents: counts.sample,
    };
  } finally {
    await rm(projectDir, { recursive: true, force: true });
  }
}
