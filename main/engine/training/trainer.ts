import { epochsDone } from '../../../shared/epochs.js';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/datasetCache.js';
import { isLabelled } from '../../../shared/dataset.js';
import type { PresetId, PresetParams } from '../../../shared/presets.js';
import { augments } from '../../../shared/recipes.js';
import type { AdviceView, SampleGrid, WeightFingerprints } from '../../../shared/training.js';
import { buildModels } from '../models/buildModels.js';
import type { GanModels, ImageShape } from '../models/imageShape.js';
import { mixSeed, seededRandom } from '../../../shared/random.js';
import { StepSeeds } from '../models/seeds.js';
import { adviceHeatGrid, discriminatorGradient } from '../samples/advice.js';
import { generate, toPixels } from '../samples/generate.js';
import { composeGrid } from '../samples/grid.js';
import { disposeFixedNoise, drawGrid, fixedNoise, type FixedNoise } from '../samples/sampleGrid.js';
import { RealBatches } from './batches.js';
import { DiffAugment } from './diffAugment.js';
import { FusedAdam } from './fusedAdam.js';
import { GeneratorAverage } from './generatorAverage.js';
import { adversarialLosses, meanProbability, type AdversarialLoss } from './losses.js';
import { gradientPenalty, r1Penalty } from './penalties.js';

export interface TrainerConfig {
  preset: PresetId;
  params: PresetParams;
  dataset: Dataset;
  seed: number;
}

/** The numbers of a step, read back from the device. */
export interface StepLosses {
  dLoss: number;
  gLoss: number;
  dReal: number;
  dFake: number;
  /** Global L2 norms of the last D and G gradients. */
  gradNormD: number;
  gradNormG: number;
}

/** Phases that draw random numbers within a step; each gets its own seed. */
const PHASE = { noise: 1, fakeLabels: 2, augmentReal: 3, augmentFake: 4, penaltyMix: 5, augmentGenerator: 6, generatorStep: 99 } as const;
/** D updates taken by hand get their draws from k at and above this, apart from the scheduled ones. */
const MANUAL_K = 0x10000;
/** Real images in the advice view of a real batch (a grid of 8 columns). */
const ADVICE_REAL_IMAGES = 32;

export const imageShapeOf = (dataset: Pick<Dataset, 'manifest'>): ImageShape => ({
  height: dataset.manifest.height,
  width: dataset.manifest.width,
  channels: dataset.manifest.channels,
  classes: isLabelled(dataset.manifest) ? dataset.manifest.classes.length : 0,
});

/** A batch of noise (and class ids when conditional) for G. */
interface FakeInputs {
  noise: tf.Tensor2D;
  classes?: tf.Tensor2D;
}

/**
 * Alternating GAN updates: D on a real and a fake batch `dStepsPerG` times, then G, with the run's
 * loss (shared/recipes.ts), D's gradient penalties, DiffAugment of everything D sees, and a moving
 * average of G for sampling. Every random draw is a function of (seed, step), so a resumed run
 * continues exactly where it stopped. The step's scalars stay on the device until `readLosses()`.
 */
export class Trainer {
  readonly models: GanModels;
  /** What samples, measures and checkpoints' generator use: G's moving average when on, else G. */
  readonly sampler: GanModels;
  readonly average: GeneratorAverage | null;
  readonly optimizerG: FusedAdam;
  readonly optimizerD: FusedAdam;
  readonly batches: RealBatches;
  readonly stepsPerEpoch: number;
  /** Whether DiffAugment is on for this run (its mode and the dataset's size decide). */
  readonly augmenting: boolean;
  /** Completed generator updates. */
  step = 0;
  private readonly dropoutSeeds = new StepSeeds();
  private readonly varsG: tf.Variable[];
  private readonly varsD: tf.Variable[];
  private readonly loss: AdversarialLoss;
  private readonly augment: DiffAugment | null;
  private latest: Partial<Record<'dLoss' | 'gLoss' | 'dReal' | 'dFake', tf.Scalar>> = {};
  /** Updates taken by hand so far (each gets its own random draws). */
  private manualUpdates = 0;
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
    this.loss = adversarialLosses[params.loss];
    this.augmenting = augments(params.augment, dataset.manifest.count);
    const { height, width } = this.models.shape;
    this.augment = this.augmenting ? new DiffAugment(params.augmentPolicy, batchSize, height, width) : null;
    this.average = params.emaDecay > 0 ? new GeneratorAverage(this.models.generator, params.emaDecay) : null;
    this.sampler = this.average ? { ...this.models, generator: this.average.generator } : this.models;
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
    const { params } = this.config;
    const keep: tf.Scalar[] = [];
    let inputs: FakeInputs | undefined;
    for (let k = 0; k < params.dStepsPerG; k++) {
      tf.dispose(keep.splice(0));
      if (inputs) disposeInputs(inputs);
      inputs = this.fakeInputs(k);
      keep.push(...this.updateDiscriminator(this.step * params.dStepsPerG + k, k, inputs));
    }
    const gLoss = this.updateGenerator(inputs!);
    disposeInputs(inputs!);
    this.step++;
    this.average?.update(this.step);
    const [dLoss, dReal, dFake] = keep;
    this.setLatest({ dLoss, gLoss, dReal, dFake });
  }

  /**
   * Updates chosen by hand while a run is paused: `discriminatorUpdates` D updates, then one G update
   * if `generatorUpdate`. A G update counts as a step; D updates alone do not. Their random draws
   * are their own, so the scheduled steps after them draw what they would have drawn.
   */
  manualStep(discriminatorUpdates: number, generatorUpdate: boolean): void {
    const { dStepsPerG } = this.config.params;
    let inputs: FakeInputs | undefined;
    for (let i = 0; i < discriminatorUpdates; i++) {
      if (inputs) disposeInputs(inputs);
      const k = MANUAL_K + this.manualUpdates++;
      inputs = this.fakeInputs(k);
      const [dLoss, dReal, dFake] = this.updateDiscriminator(this.step * dStepsPerG + (i % dStepsPerG), k, inputs);
      this.setLatest({ dLoss, dReal, dFake });
    }
    if (generatorUpdate) {
      inputs ??= this.fakeInputs(MANUAL_K + this.manualUpdates++);
      this.setLatest({ gLoss: this.updateGenerator(inputs) });
      this.step++;
      this.average?.update(this.step);
    }
    if (inputs) disposeInputs(inputs);
  }

  /** Short fingerprints of G's and D's trainable weights, to tell which a step changed. */
  async weightFingerprints(): Promise<WeightFingerprints> {
    const fingerprint = async (variables: tf.Variable[]) => {
      let h = 0x811c9dc5;
      for (const v of variables) {
        const bytes = new Uint8Array((await v.data()).buffer);
        for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
      }
      return (h >>> 0).toString(16).padStart(8, '0');
    };
    return { generator: await fingerprint(this.varsG), discriminator: await fingerprint(this.varsD) };
  }

  /** D's advice over the sample grid (the images it is drawn from) or over a batch of real images, with those images. */
  async adviceGrid(view: Exclude<AdviceView, 'off'>): Promise<{ grid: SampleGrid; advice: SampleGrid }> {
    const { shape } = this.models;
    const { images, classes, rows, cols } = tf.tidy(() => {
      if (view === 'samples') {
        return { images: generate(this.sampler, this.fixed.noise, this.fixed.classes), classes: this.fixed.classes?.clone(), rows: this.fixed.rows, cols: this.fixed.cols };
      }
      const n = Math.min(ADVICE_REAL_IMAGES, this.batchSize);
      this.batches.fill(this.step * this.config.params.dStepsPerG);
      const real = tf.tensor4d(this.batches.pixels.subarray(0, n * shape.height * shape.width * shape.channels), [n, shape.height, shape.width, shape.channels]);
      const labels = this.models.conditional ? tf.tensor2d(this.batches.labels.subarray(0, n), [n, 1]) : undefined;
      return { images: real, classes: labels, rows: Math.ceil(n / 8), cols: 8 };
    });
    try {
      const pixels = tf.tidy(() => toPixels(images));
      const gradient = discriminatorGradient(this.models, images, classes);
      try {
        return { grid: composeGrid(Uint8Array.from(await pixels.data()), shape, rows, cols), advice: await adviceHeatGrid(gradient, rows, cols) };
      } finally {
        tf.dispose([pixels, gradient]);
      }
    } finally {
      tf.dispose([images, ...(classes ? [classes] : [])]);
    }
  }

  /** False for a number no update has measured yet (G's loss after only a Step D at step 0); it reads as NaN. */
  hasMeasured(name: keyof StepLosses): boolean {
    if (name === 'gradNormD') return this.optimizerD.gradientNorm !== null;
    if (name === 'gradNormG') return this.optimizerG.gradientNorm !== null;
    return this.latest[name] !== undefined;
  }

  /** Reads the last step's numbers back from the device (the only readback of the hot loop). */
  async readLosses(): Promise<StepLosses> {
    const { dLoss, gLoss, dReal, dFake } = this.latest;
    const scalars = [dLoss, gLoss, dReal, dFake, this.optimizerD.gradientNorm, this.optimizerG.gradientNorm];
    const [d, g, real, fake, normD, normG] = await Promise.all(scalars.map(async (t) => (t ? (await t.data())[0] : NaN)));
    return { dLoss: d, gLoss: g, dReal: real, dFake: fake, gradNormD: normD, gradNormG: normG };
  }

  /** The fixed-noise sample grid: one row per class for conditional presets. */
  async sampleGrid(): Promise<SampleGrid> {
    return drawGrid(this.sampler, this.fixed);
  }

  dispose(): void {
    tf.dispose(Object.values(this.latest));
    this.latest = {};
    disposeFixedNoise(this.fixed);
    this.optimizerG.dispose();
    this.optimizerD.dispose();
    this.average?.dispose();
    this.models.generator.dispose();
    this.models.discriminator.dispose();
  }

  /** Replaces the step's scalars that were measured again; a hand-taken G update keeps D's last ones. */
  private setLatest(scalars: Partial<Record<'dLoss' | 'gLoss' | 'dReal' | 'dFake', tf.Scalar>>): void {
    for (const [name, tensor] of Object.entries(scalars) as [keyof typeof scalars, tf.Scalar][]) {
      this.latest[name]?.dispose();
      this.latest[name] = tensor;
    }
  }

  /** Noise and class ids for D's k-th update of this step (G's update reuses the last). */
  private fakeInputs(k: number): FakeInputs {
    const { seed } = this.config;
    const n = this.batchSize;
    const noise = tf.randomNormal([n, this.models.noiseSize], 0, 1, 'float32', mixSeed(seed, this.step, k, PHASE.noise)) as tf.Tensor2D;
    const classes = this.models.conditional ? this.randomClasses(n, mixSeed(seed, this.step, k, PHASE.fakeLabels)) : undefined;
    return { noise, classes };
  }

  /** D's output for images (augmented first when DiffAugment is on) and their class ids. */
  private judge(images: tf.Tensor4D, classes: tf.Tensor2D | undefined, augmentSeed: number): { seen: tf.Tensor4D; logits: tf.Tensor } {
    const seen = this.augment ? this.augment.apply(images, augmentSeed) : images;
    return { seen, logits: this.critic(classes)(seen) };
  }

  private critic(classes: tf.Tensor2D | undefined): (images: tf.Tensor4D) => tf.Tensor {
    const { discriminator, conditional } = this.models;
    return (images) => discriminator.apply(conditional ? [images, classes!] : [images], { training: true }) as tf.Tensor;
  }

  /** One D update on real batch `batch`; returns its loss, mean D(x) and mean D(G(z)) (kept on the device). */
  private updateDiscriminator(batch: number, k: number, inputs: FakeInputs): tf.Scalar[] {
    const { params, seed } = this.config;
    const { generator, conditional } = this.models;
    const n = this.batchSize;
    this.batches.fill(batch);
    const real = tf.tensor4d(this.batches.pixels, [n, ...generator.outputs[0].shape.slice(1)] as [number, number, number, number]);
    const realClasses = conditional ? tf.tensor2d(this.batches.labels, [n, 1]) : undefined;
    const fake = tf.tidy(() => generator.apply(conditional ? [inputs.noise, inputs.classes!] : [inputs.noise], { training: true }) as tf.Tensor4D);
    this.dropoutSeeds.at(seed, this.step, k);
    const at = (phase: number) => mixSeed(seed, this.step, k, phase);
    let dReal!: tf.Scalar;
    let dFake!: tf.Scalar;
    const dLoss = this.optimizerD.minimize(
      () => {
        const realSide = this.judge(real, realClasses, at(PHASE.augmentReal));
        const fakeSide = this.judge(fake, inputs.classes, at(PHASE.augmentFake));
        dReal = tf.keep(meanProbability(realSide.logits));
        dFake = tf.keep(meanProbability(fakeSide.logits));
        let loss = this.loss.discriminator(realSide.logits, fakeSide.logits, 1 - params.labelSmoothing);
        if (params.loss === 'wgan-gp') {
          const mix = tf.tensor1d(Float32Array.from({ length: n }, seededRandom(at(PHASE.penaltyMix))));
          loss = tf.add(loss, gradientPenalty(this.critic(realClasses), realSide.seen, fakeSide.seen, mix, params.gradientPenalty));
        }
        if (params.r1 > 0) loss = tf.add(loss, r1Penalty(this.critic(realClasses), realSide.seen, params.r1));
        return loss;
      },
      true,
      this.varsD,
    ) as tf.Scalar;
    tf.dispose([real, fake]);
    realClasses?.dispose();
    return [dLoss, dReal, dFake];
  }

  /** One G update on `inputs`; returns G's loss (kept on the device). */
  private updateGenerator(inputs: FakeInputs): tf.Scalar {
    const { seed } = this.config;
    const { generator, conditional } = this.models;
    this.dropoutSeeds.at(seed, this.step, PHASE.generatorStep);
    return this.optimizerG.minimize(
      () => {
        const fake = generator.apply(conditional ? [inputs.noise, inputs.classes!] : [inputs.noise], { training: true }) as tf.Tensor4D;
        return this.loss.generator(this.judge(fake, inputs.classes, mixSeed(seed, this.step, PHASE.augmentGenerator)).logits);
      },
      true,
      this.varsG,
    ) as tf.Scalar;
  }

  private randomClasses(n: number, seed: number): tf.Tensor2D {
    const random = seededRandom(seed);
    const classes = this.models.shape.classes;
    return tf.tensor2d(Float32Array.from({ length: n }, () => Math.floor(random() * classes)), [n, 1]);
  }
}

function disposeInputs(inputs: FakeInputs): void {
  inputs.noise.dispose();
  inputs.classes?.dispose();
}
