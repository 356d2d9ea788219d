import { writeLayersModel } from '../checkpoint/generatorFiles.js';
import type { ExportContext, FormatOutput } from './context.js';
import { tfjsModelIO } from './metadata.js';

/**
 * model.json + weights.bin: what tf.loadLayersModel('…/model.json') opens in a browser or Node.
 * `dir` defaults to the export folder; the web page keeps its copy in model/.
 */
export async function writeTfjsModel(ctx: ExportContext, dir = ctx.dir): Promise<FormatOutput> {
  ctx.progress('Writing the TF.js model', 0, 1);
  await writeLayersModel(ctx.models.generator, dir);
  ctx.progress('Writing the TF.js model', 1, 1);
  const metadata = { ...ctx.base, model: 'model.json', ...tfjsModelIO(ctx.base, ctx.models.generator.outputNames[0]) };
  return { metadata, summary: `TF.js Layers model of the ${ctx.base.presetTitle} generator` };
}
