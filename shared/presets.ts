import { z } from 'zod';
import { MAX_NETWORK_WEIGHTS, mlpHiddenWeights } from './modelSize.js';
import { recipeParams } from './recipes.js';

/** The architecture presets a user can pick. */
export const presetIds = ['mlp', 'dcgan', 'cgan', 'cdcgan'] as const;
export type PresetId = (typeof presetIds)[number];
export const presetIdSchema = z.enum(presetIds);

const positiveInt = (min: number, max: number) => z.number().int().min(min).max(max);
const learningRate = z.number().gt(0).max(1);
const beta = z.number().min(0).lt(1);

/** Parameters every preset shares, with the defaults of the papers (Adam 2e-4, beta1 0.5). */
const commonParams = {
  noiseSize: positiveInt(1, 1024).default(100).describe('Length of the noise vector z fed to the generator'),
  batchSize: positiveInt(1, 4096).default(64).describe('Real images per step (the same number of fakes)'),
  learningRateG: learningRate.default(2e-4).describe('Adam learning rate of the generator'),
  learningRateD: learningRate.default(2e-4).describe('Adam learning rate of the discriminator'),
  beta1: beta.default(0.5).describe('Adam beta1 (momentum); 0.5 per Radford et al.'),
  beta2: beta.default(0.999).describe('Adam beta2'),
  dStepsPerG: positiveInt(1, 10).default(1).describe('Discriminator updates per generator update'),
  labelSmoothing: z.number().min(0).max(0.5).default(0).describe('One-sided label smoothing: real target is 1 - this (bce and lsgan)'),
  ...recipeParams,
};

const mlpParams = {
  ...commonParams,
  hiddenUnits: z
    .array(positiveInt(8, 8192))
    .min(1)
    .max(6)
    .default([256, 512, 1024])
    // The layers between hidden widths alone can exceed any memory (6 x 8192 is 335 million weights):
    // refused here, before anything is built. The image-dependent part is checked with the image size.
    .refine((units) => mlpHiddenWeights(units) <= MAX_NETWORK_WEIGHTS, {
      message: `these widths make too large a network (over ${MAX_NETWORK_WEIGHTS / 1e6} million weights between the hidden layers); use narrower layers`,
    })
    .describe('Generator hidden layer widths; the discriminator mirrors them'),
  dropout: z.number().min(0).lt(1).default(0.3).describe('Dropout rate in the discriminator'),
  leak: z.number().min(0).max(1).default(0.2).describe('LeakyReLU slope'),
};

const convParams = {
  ...commonParams,
  baseFilters: positiveInt(4, 1024).default(64).describe('Filters of the widest generator layer / first discriminator layer (ngf, ndf)'),
  leak: z.number().min(0).max(1).default(0.2).describe('LeakyReLU slope in the discriminator'),
};

export const presetParamSchemas = {
  mlp: z.object(mlpParams).strict(),
  cgan: z.object(mlpParams).strict(),
  dcgan: z.object(convParams).strict(),
  cdcgan: z.object(convParams).strict(),
} as const;

export type MlpParams = z.output<(typeof presetParamSchemas)['mlp']>;
export type ConvParams = z.output<(typeof presetParamSchemas)['dcgan']>;
export type PresetParams = MlpParams | ConvParams;

export interface PresetDescription {
  id: PresetId;
  title: string;
  /** One or two plain sentences for the Model screen. */
  summary: string;
  paper: string;
  conditional: boolean;
  convolutional: boolean;
}

export const presets: Record<PresetId, PresetDescription> = {
  mlp: {
    id: 'mlp',
    title: 'Vanilla GAN (MLP)',
    summary:
      'Fully connected generator and discriminator. Fast and simple; best for small grayscale images such as digits.',
    paper: 'Goodfellow et al., 2014',
    conditional: false,
    convolutional: false,
  },
  dcgan: {
    id: 'dcgan',
    title: 'DCGAN',
    summary:
      'Convolutional generator and discriminator with batch norm. Sharper images and the usual choice for photos and colour.',
    paper: 'Radford, Metz & Chintala, 2015',
    conditional: false,
    convolutional: true,
  },
  cgan: {
    id: 'cgan',
    title: 'Conditional GAN (MLP)',
    summary:
      'Like the vanilla GAN, but you choose which class to draw: the label joins the noise and the image. Needs class folders.',
    paper: 'Mirza & Osindero, 2014',
    conditional: true,
    convolutional: false,
  },
  cdcgan: {
    id: 'cdcgan',
    title: 'Conditional DCGAN',
    summary: 'DCGAN that draws the class you ask for. Needs class folders.',
    paper: 'Radford et al. 2015 + Mirza & Osindero 2014',
    conditional: true,
    convolutional: true,
  },
};

/** Image sizes the convolutional presets can be built for (each halves to 7 or 4 by strided convolutions). */
export const supportedSizes = [28, 32, 64, 128] as const;
