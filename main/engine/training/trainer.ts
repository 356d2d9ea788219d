import { epochsDone } from '../../../shared/epochs.js';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/datasetCache.js';
import { isLabelled } from '../../../shared/dataset.js';
import type { PresetId, PresetParams } from '../../../shared/presets.js';
import type { SampleGrid } from '../../../shared/training.js';
import { buildModels } from '../models/buildModels.js';
import type { GanModels, ImageShape } from '../models/imageShape.js';
import { mixSeed, seededRandom } from '../../../shared/random.js';
import { StepSeeds } from '../models/seeds.js';
import { disposeFixedNoise, drawGrid, fixedNoise, type FixedNoise } from '../samples/sampleGrid.js';
import { RealBatches } from './batches.js';
import { FusedAdam } from './fusedAdam.js';
import { bceWithLogits, meanProbability } from './losses.js';

export interface TrainerConfig {
  preset: PresetId;
  params: PresetParams;
  dataset: Dataset;
  seed: number;
}

/** The four numbers of a step, read back from the device. */
export interface StepLosses {
  dLoss: number;
  gLoss: number;
  dReal: number;
  dFake: number;
}

/** Phases that draw random numbers within a step; each gets its own seed. */
const PHASE = { noise: 1, fakeLabels: 2, generatorStep: 99 } as const;

export const imageShapeOf = (dataset: Pick<Dataset, 'manifest'>): ImageShape => ({
  height: dataset.manifest.height,
  width: dataset.manifest.width,
  channels: dataset.manifest.channels,
  classes: isLabelled(dataset.manifest) ? dataset.manifest.classes.length : 0,
});

/**
 * Alternating GAN updates as in the papers: D on a real batch (target 1 - smoothing) and a fake
 * batch (target 0), `dStepsPerG` times, then G with target 1 (non-saturating loss). Every random
 * draw is a function of (seed, step), so a resumed run continues exactly where it stopped.
 * The step's scalars stay on the device until `readLosses()` is called.
 */
export class Trainer {
  readonly models: GanModels;
  readonly optimizerG: tf.Optimizer;
  readonly optimizerD: tf.Optimizer;
  readonly batches: RealBatches;
  readonly stepsPerEpoch: number;
  /** Completed generator updates. */
  step = 0;
  private readonly dropoutSeeds = new StepSeeds();
  private readonly varsG: tf.Variable[];
  private readonly varsD: tf.Variable[];
  private latest: tf.Scalar[] = [];
  private readonly fixed: FixedNoise;

  constructor(readonly config: TrainerConfig) {
    const { preset, params, dataset, seed } = config;
    this.models = buildModels(preset, params, imageShapeOf(dataset), seed, this.dropoutSeeds);
    const batchSize = Math.min(params.batchSize, dataset.manifest.count);
    this.batches = new RealBatches(dataset, batchSize, seed);
    this.stepsPerEpoch = Math.max(1, Math.floor(this.batches.batchesPerEpoch / params.dStepsPerG));
    this.optimizerG = new FusedAdam(params.learningRateG, params.beta1, params.beta2);
    this.optimizerD = new FusedAdam(params.learningRateD, params.beta1, params.beta2);
    // Fixed, ordered variable lists: Adam matches its saved moments to variables by position.
    this.varsG = this.models.generator.trainableWeights.map((w) => w.read() as tf.Variable);
    this.varsD = this.models.discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
    this.fixed = fixedNoise(this.models, config.seed);
  }

  get epoch(): number {
    return epochsDone(this.step, this.stepsPerEpoch);
  }

  get batchSize(): number {
    return this.batches.batchSize;
  }

  /** Real + fake images through D per step, the throughput unit of the benchmarks. */
  get imagesPerStep(): number {
    return 2 * this.batchSize * this.config.params.dStepsPerG;
  }

  /** One generator update and the discriminator updates before it. */
  trainStep(): void {
    const { params, seed } = this.config;
    const { generator, discriminator, conditional, noiseSize } = this.models;
    const n = this.batchSize;
    const smoothTarget = 1 - params.labelSmoothing;
    for (const t of this.latest) t.dispose();
    let dLoss!: tf.Scalar;
    let dReal!: tf.Scalar;
    let dFake!: tf.Scalar;
    let noise!: tf.Tensor2D;
    let fakeClasses: tf.Tensor2D | undefined;
    for (let k = 0; k < params.dStepsPerG; k++) {
      noise?.dispose();
      fakeClasses?.dispose();
      dLoss?.dispose();
      dReal?.dispose();
      dFake?.dispose();
      this.batches.fill(this.step * params.dStepsPerG + k);
      const real = tf.tensor4d(this.batches.pixels, [n, ...generator.outputs[0].shape.slice(1)] as [number, number, number, number]);
      const realClasses = conditional ? tf.tensor2d(this.batches.labels, [n, 1]) : undefined;
      noise = tf.randomNormal([n, noiseSize], 0, 1, 'float32', mixSeed(seed, this.step, k, PHASE.noise)) as tf.Tensor2D;
      fakeClasses = conditional ? this.randomClasses(n, mixSeed(seed, this.step, k, PHASE.fakeLabels)) : undefined;
      const fake = tf.tidy(() => generator.apply(conditional ? [noise, fakeClasses!] : [noise], { training: true }) as tf.Tensor);
      this.dropoutSeeds.at(seed, this.step, k);
      dLoss = this.optimizerD.minimize(
        () => {
          const realLogits = discriminator.apply(conditional ? [real, realClasses!] : [real], { training: true }) as tf.Tensor;
          const fakeLogits = discriminator.apply(conditional ? [fake, fakeClasses!] : [fake], { training: true }) as tf.Tensor;
          dReal = tf.keep(meanProbability(realLogits));
          dFake = tf.keep(meanProbability(fakeLogits));
          return tf.add(bceWithLogits(realLogits, smoothTarget), bceWithLogits(fakeLogits, 0)) as tf.Scalar;
        },
        true,
        this.varsD,
      ) as tf.Scalar;
      real.dispose();
      realClasses?.dispose();
      fake.dispose();
    }
    this.dropoutSeeds.at(seed, this.step, PHASE.generatorStep);
    const gLoss = this.optimizerG.minimize(
      () => {
        const fake = generator.apply(conditional ? [noise, fakeClasses!] : [noise], { training: true }) as tf.Tensor;
        const logits = discriminator.apply(conditional ? [fake, fakeClasses!] : [fake], { training: true }) as tf.Tensor;
        return bceWithLogits(logits, 1);
      },
      true,
      this.varsG,
    ) as tf.Scalar;
    noise.dispose();
    fakeClasses?.dispose();
    this.latest = [dLoss, gLoss, dReal, dFake];
    this.step++;
  }

  /** Reads the last step's losses back from the device (the only readback of the hot loop). */
  async readLosses(): Promise<StepLosses> {
    if (this.latest.length === 0) return { dLoss: NaN, gLoss: NaN, dReal: NaN, dFake: NaN };
    const [dLoss, gLoss, dReal, dFake] = await Promise.all(this.latest.map(async (t) => (await t.data())[0]));
    return { dLoss, gLoss, dReal, dFake };
  }

  /** The fixed-noise sample grid: one row per class for conditional presets. */
  async sampleGrid(): Promise<SampleGrid> {
    return drawGrid(this.models, this.fixed);
  }

  dispose(): void {
    for (const t of this.latest) t.dispose();
    this.latest = [];
    disposeFixedNoise(this.fixed);
    this.optimizerG.dispose();
    this.optimizerD.dispose();
    this.models.generator.dispose();
    this.models.discriminator.dispose();
  }

  private randomClasses(n: number, seed: number): tf.Tensor2D {
    const random = seededRandom(seed);
    const classes = this.models.shape.classes;
    return tf.tensor2d(Float32Array.from({ length: n }, () => Math.floor(random() * classes)), [n, 1]);
  }
}
