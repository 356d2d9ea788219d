import { z } from 'zod';

/**
 * Training recipes from the field, shared by every preset: the loss, how D is kept in check
 * (spectral norm, gradient penalties) and how G's samples are smoothed (EMA) and small datasets
 * stretched (DiffAugment). Each option names its paper; README's Presets section lists them.
 */
export const ganLosses = ['bce', 'hinge', 'lsgan', 'wgan-gp'] as const;
export type GanLoss = (typeof ganLosses)[number];

export const augmentations = ['color', 'translation', 'cutout'] as const;
export type Augmentation = (typeof augmentations)[number];

export const augmentModes = ['auto', 'on', 'off'] as const;
export type AugmentMode = (typeof augmentModes)[number];

/**
 * "auto" augments datasets smaller than this. Measured (README's recipe table): at the step budgets
 * of a first session DiffAugment slowed learning on 2,000 digits (MLP, 600 steps: Fréchet 6.3 ->
 * 37), 2,000 shapes (cDCGAN, 400 steps: 28 -> 122) and even on 500 Fashion images (cDCGAN, 1,000
 * steps: 3.7 -> 4.8, recall 0.73 -> 0.45); it is left for sets of a few hundred images, where D
 * learning them by heart is the failure the paper fixes.
 */
export const AUGMENT_AUTO_BELOW = 500;

export const recipeParams = {
  loss: z
    .enum(ganLosses)
    .default('bce')
    .describe('bce: non-saturating (Goodfellow 2014); hinge (Lim & Ye 2017); lsgan: least squares (Mao 2017); wgan-gp: Wasserstein + gradient penalty (Gulrajani 2017), D steps per G = n_critic'),
  gradientPenalty: z.number().min(0).max(1000).default(10).describe('WGAN-GP only: weight λ of the penalty pulling D’s gradient norm to 1'),
  r1: z.number().min(0).max(1000).default(0).describe('R1 penalty γ on D’s gradient at real images (Mescheder 2018); 0 = off'),
  spectralNorm: z.boolean().default(false).describe('Spectral normalization of D’s layers (Miyato 2018): keeps D smooth; replaces D’s batch norm'),
  emaDecay: z
    .number()
    .min(0)
    .lt(1)
    .default(0.999)
    .describe('Moving average of G’s weights (Karras 2018; Yazıcı 2019) used for samples, measures and exports; 0 = off'),
  augment: z.enum(augmentModes).default('auto').describe(`DiffAugment (Zhao 2020) of real and fake images for D; auto = on below ${AUGMENT_AUTO_BELOW.toLocaleString('en-US')} images`),
  augmentPolicy: z.array(z.enum(augmentations)).min(1).max(3).default(['color', 'translation', 'cutout']).describe('Which DiffAugment transforms: color, translation, cutout'),
};

export interface RecipeOption {
  label: string;
  paper: string;
  why: string;
}

/** The README's and Model screen's one-line why for each option. */
export const recipeOptions: Record<keyof typeof recipeParams, RecipeOption> = {
  loss: { label: 'Loss', paper: 'Goodfellow 2014; Lim & Ye 2017; Mao et al. 2017; Gulrajani et al. 2017', why: 'hinge and least squares give G useful gradients when D is sure; WGAN-GP trains a critic whose loss tracks quality' },
  gradientPenalty: { label: 'Gradient penalty λ', paper: 'Gulrajani et al. 2017', why: 'keeps the critic 1-Lipschitz without clipping its weights' },
  r1: { label: 'R1 penalty γ', paper: 'Mescheder, Geiger & Nowozin 2018', why: 'stops D from growing steep around real images, which makes training oscillate' },
  spectralNorm: { label: 'Spectral norm in D', paper: 'Miyato et al. 2018', why: 'limits how fast D can change its mind, so G is not overpowered' },
  emaDecay: { label: 'EMA decay of G', paper: 'Karras et al. 2018; Yazıcı et al. 2019', why: 'an average of recent generators draws cleaner pictures than the last one' },
  augment: { label: 'DiffAugment', paper: 'Zhao et al. 2020', why: 'on small datasets D memorises the real images; augmenting both halves stops that without leaking into G' },
  augmentPolicy: { label: 'Augmentations', paper: 'Zhao et al. 2020', why: 'colour, translation and cutout together did best in the paper' },
};

/** Whether a run on `datasetSize` images augments. */
export const augments = (mode: AugmentMode, datasetSize: number): boolean => mode === 'on' || (mode === 'auto' && datasetSize < AUGMENT_AUTO_BELOW);

/** What runs trained before recipes existed used: their saved params lack these, and mean them. */
const recipeOfEarlierRuns = { loss: 'bce', r1: 0, spectralNorm: false, emaDecay: 0, augment: 'off' } as const;

/** A checkpoint's or run's saved params, with the recipe it was really trained with filled in where the file predates recipes. */
export function savedParams(params: Record<string, unknown>): Record<string, unknown> {
  return 'loss' in params ? params : { ...recipeOfEarlierRuns, ...params };
}
