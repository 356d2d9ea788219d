import type { ModelDescription, ParsedRequestOf } from '../../shared/contract.js';
import { isLabelled } from '../../shared/dataset.js';
import { presets } from '../../shared/presets.js';
import type { Studio } from './studio.js';

/** Until a dataset is imported the Model screen describes the presets for this image shape (and 4 classes when conditional). */
const PLACEHOLDER_SHAPE = { height: 32, width: 32, channels: 3 };
const PLACEHOLDER_CLASSES = 4;

/** A preset's layers sized to the open project's images, built in the tensor worker. */
export async function describeModel(studio: Studio, { preset, params }: ParsedRequestOf<'describeModel'>): Promise<ModelDescription> {
  const dataset = (await studio.project.summary())?.dataset;
  const classes = dataset ? (isLabelled(dataset) ? dataset.classes.length : 0) : presets[preset].conditional ? PLACEHOLDER_CLASSES : 0;
  const shape = dataset ? { height: dataset.height, width: dataset.width, channels: dataset.channels } : PLACEHOLDER_SHAPE;
  return studio.tensors.describe({ preset, params, shape: { ...shape, classes } });
}
