/**
 * The largest network (generator or discriminator) the studio builds: 60 million weights, 240 MB of
 * float32. Training holds about four copies (weights, gradients, two Adam moments) of each network,
 * so this keeps a model within a few GB; the presets' defaults stay far below (DCGAN at 128 x 128:
 * about 12 million).
 */
export const MAX_NETWORK_WEIGHTS = 60_000_000;

/** The preset params the size depends on (structural, so presets.ts can use this file without a cycle). */
type MlpSize = { noiseSize: number; hiddenUnits: readonly number[] };
type ConvSize = { noiseSize: number; baseFilters: number };

export interface ModelShape {
  height: number;
  width: number;
  channels: number;
  classes: number;
}

const millions = (n: number): string => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} million`;

/** Weights of the layers between consecutive hidden widths: the part of an MLP the image size does not change. */
export function mlpHiddenWeights(hiddenUnits: readonly number[]): number {
  let sum = 0;
  for (let i = 1; i < hiddenUnits.length; i++) sum += (hiddenUnits[i - 1] + 1) * hiddenUnits[i];
  return sum;
}

/** Weights of each network, counted from the layer sizes (batch norm and biases included, to within a few). */
export function networkWeights(convolutional: boolean, conditional: boolean, params: MlpSize | ConvSize, shape: ModelShape): { generator: number; discriminator: number } {
  const pixels = shape.height * shape.width * shape.channels;
  if (!convolutional) {
    const p = params as MlpSize;
    const label = conditional ? Math.max(50, shape.classes) * shape.classes : 0;
    const hidden = mlpHiddenWeights(p.hiddenUnits);
    const first = p.hiddenUnits[0];
    const last = p.hiddenUnits.at(-1)!;
    return {
      generator: label + (p.noiseSize + (conditional ? Math.max(50, shape.classes) : 0) + 1) * first + hidden + (last + 1) * pixels,
      discriminator: label + (pixels + (conditional ? Math.max(50, shape.classes) : 0) + 1) * last + hidden + (first + 1),
    };
  }
  const p = params as ConvSize;
  let start = shape.height;
  let layers = 0;
  while (start % 2 === 0 && start / 2 >= 4) {
    start /= 2;
    layers++;
  }
  const filters = (level: number) => p.baseFilters * 2 ** level;
  let generator = (p.noiseSize + (conditional ? shape.classes : 0)) * start * start * filters(layers - 1) + 4 * start * start * filters(layers - 1);
  for (let i = 1; i < layers; i++) generator += 16 * filters(layers - i) * filters(layers - 1 - i) + 4 * filters(layers - 1 - i);
  generator += 16 * filters(0) * shape.channels + shape.channels;
  let discriminator = 0;
  let inChannels = shape.channels + (conditional ? shape.classes : 0);
  for (let i = 0; i < layers; i++) {
    discriminator += 16 * inChannels * filters(i) + 4 * filters(i);
    inChannels = filters(i);
  }
  discriminator += start * start * filters(Math.max(0, layers - 1)) + 1;
  return { generator, discriminator };
}

/** Why a model is too large to build, in the user's words, or null when it fits. */
export function modelSizeProblem(convolutional: boolean, conditional: boolean, params: MlpSize | ConvSize, shape: ModelShape): string | null {
  const { generator, discriminator } = networkWeights(convolutional, conditional, params, shape);
  const [which, count] = generator >= discriminator ? ['generator', generator] : ['discriminator', discriminator];
  if (count <= MAX_NETWORK_WEIGHTS) return null;
  const fix = convolutional ? 'a smaller baseFilters or smaller images' : 'narrower hiddenUnits or smaller images';
  return `This model is too large: its ${which} would have ${millions(count)} weights (${Math.round((count * 4) / 1e6)} MB), over the limit of ${millions(MAX_NETWORK_WEIGHTS)} per network. Use ${fix}.`;
}
