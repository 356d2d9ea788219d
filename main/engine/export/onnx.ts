import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportContext, FormatOutput } from './context.js';
import { onnxModelIO } from './metadata.js';
import { generatorToOnnx } from './onnx/generatorOnnx.js';

export const ONNX_FILE = 'generator.onnx';

/** generator.onnx: inputs noise (and class_id), outputs image and pixels. */
export async function writeOnnxModel(ctx: ExportContext): Promise<FormatOutput> {
  ctx.progress('Writing the ONNX model', 0, 1);
  const metadata = { ...ctx.base, model: ONNX_FILE, ...onnxModelIO(ctx.base) };
  const bytes = generatorToOnnx(ctx.models.generator, metadata);
  await writeFile(join(ctx.dir, ONNX_FILE), bytes);
  ctx.progress('Writing the ONNX model', 1, 1);
  return { metadata, summary: `ONNX model (opset 13) of the ${ctx.base.presetTitle} generator` };
}
