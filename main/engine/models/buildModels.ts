import { presetParamSchemas, presets, type PresetId, type PresetParams, type MlpParams, type ConvParams } from '../../../shared/presets.js';
import { describeIssues } from '../../../shared/validation.js';
import { modelSizeProblem } from '../../../shared/modelSize.js';
import { buildDcgan } from './dcgan.js';
import type { GanModels, ImageShape } from './imageShape.js';
import { buildMlpGan } from './mlp.js';
import { InitSeeds, StepSeeds } from './seeds.js';

/** Fills a preset's defaults into raw params, refusing nonsense with a message that names the field. */
export function resolveParams(preset: PresetId, raw: unknown): PresetParams {
  const parsed = presetParamSchemas[preset].safeParse(raw ?? {});
  if (!parsed.success) throw new Error(`Invalid ${preset} parameters: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Refuses a conditional preset on a dataset without classes, in the user's words. */
export function checkPresetFits(preset: PresetId, shape: ImageShape): void {
  if (presets[preset].conditional && shape.classes < 2) {
    throw new Error(
      `The ${presets[preset].title} preset needs a labelled dataset (images in at least two class subfolders); this dataset has ${shape.classes === 0 ? 'no classes' : 'one class'}. Pick "${preset === 'cgan' ? 'mlp' : 'dcgan'}" instead, or import a folder with one subfolder per class.`,
    );
  }
}

/**
 * Builds G and D for a preset. Weight initialisation is seeded, and `dropoutSeeds` drives the
 * discriminator's dropout masks, so a run is a pure function of its seed.
 */
export function buildModels(
  preset: PresetId,
  params: PresetParams,
  shape: ImageShape,
  seed: number,
  dropoutSeeds: StepSeeds = new StepSeeds(),
): GanModels {
  checkPresetFits(preset, shape);
  const { conditional, convolutional } = presets[preset];
  // Before any weight is allocated: an oversized model would take the process's memory first.
  const tooLarge = modelSizeProblem(convolutional, conditional, params, shape);
  if (tooLarge) throw new Error(tooLarge);
  const initSeeds = new InitSeeds(seed);
  return convolutional
    ? buildDcgan(shape, params as ConvParams, conditional, initSeeds)
    : buildMlpGan(shape, params as MlpParams, conditional, initSeeds, dropoutSeeds);
}
