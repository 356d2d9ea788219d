import * as tf from '@tensorflow/tfjs';
import type { PresetId } from '../shared/presets.js';
import type { BackendName } from '../shared/training.js';
import { initBackend } from '../main/engine/backend/initBackend.js';
import { resolveParams } from '../main/engine/models/buildModels.js';
import { Trainer } from '../main/engine/training/trainer.js';
import { syntheticDataset } from './syntheticDataset.js';

/** What one preset at one batch size did on the engine's default backend. */
export interface TrainingFigures {
  preset: PresetId;
  batchSize: number;
  backendName: BackendName;
  backend: string;
  /** Real + fake images through D per second. */
  imagesPerSec: number;
  msPerStep: number;
  steps: number;
  /** Peak resident memory of the whole measuring process, MB. */
  peakRssMb: number;
  /** Live tensors after the timed steps minus after the warm-up: 0 when nothing leaks. */
  tensorDrift: number;
  /** Trainable parameters (batch norm's moving statistics are state, not parameters, as in PyTorch). */
  parameters: { generator: number; discriminator: number };
}

export interface SpeedOptions {
  warmupSteps: number;
  steps: number;
}

/**
 * Trains a preset on an MNIST-shaped synthetic dataset with the engine's own Trainer, reading the
 * losses back as the run loop does (at most ~10 times a second), and times the steps after a
 * warm-up. Runs in the process it is called in: the bench gives each case a fresh one.
 */
export async function measureTraining(preset: PresetId, batchSize: number, options: SpeedOptions): Promise<TrainingFigures> {
  const backend = await initBackend();
  const params = resolveParams(preset, { batchSize });
  const trainer = new Trainer({ preset, params, dataset: syntheticDataset(Math.max(4096, 4 * batchSize)), seed: 7 });
  try {
    for (let i = 0; i < options.warmupSteps; i++) trainer.trainStep();
    await trainer.readLosses();
    const tensorsBefore = tf.memory().numTensors;
    let nextRead = performance.now() + 100;
    const start = performance.now();
    for (let i = 0; i < options.steps; i++) {
      trainer.trainStep();
      if (performance.now() >= nextRead) {
        await trainer.readLosses();
        nextRead = performance.now() + 100;
      }
    }
    await trainer.readLosses();
    const seconds = (performance.now() - start) / 1000;
    return {
      preset,
      batchSize: trainer.batchSize,
      backendName: backend.name,
      backend: backend.label,
      imagesPerSec: (options.steps * trainer.imagesPerStep) / seconds,
      msPerStep: (seconds * 1000) / options.steps,
      steps: options.steps,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      tensorDrift: tf.memory().numTensors - tensorsBefore,
      parameters: { generator: trainableCount(trainer.models.generator), discriminator: trainableCount(trainer.models.discriminator) },
    };
  } finally {
    trainer.dispose();
  }
}

const trainableCount = (model: tf.LayersModel): number =>
  model.trainableWeights.reduce((sum, weight) => sum + tf.util.sizeFromShape(weight.shape as number[]), 0);
