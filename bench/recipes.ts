/** The recipes bench:quality compares, by name: each a set of preset params over the preset's own. */
const recipes = {
  /** The papers' originals, nothing added: what the studio trained before recipes existed. */
  classic: { loss: 'bce', emaDecay: 0, augment: 'off' },
  ema: { loss: 'bce', emaDecay: 0.999, augment: 'off' },
  augment: { loss: 'bce', emaDecay: 0, augment: 'on' },
  'ema+augment': { loss: 'bce', emaDecay: 0.999, augment: 'on' },
  hinge: { loss: 'hinge', emaDecay: 0.999, augment: 'off' },
  'hinge+sn': { loss: 'hinge', spectralNorm: true, emaDecay: 0.999, augment: 'off' },
  lsgan: { loss: 'lsgan', emaDecay: 0.999, augment: 'off' },
  'wgan-gp': { loss: 'wgan-gp', dStepsPerG: 5, learningRateG: 1e-4, learningRateD: 1e-4, beta1: 0, beta2: 0.9, emaDecay: 0.999, augment: 'off' },
  r1: { loss: 'bce', r1: 1, emaDecay: 0.999, augment: 'off' },
  /** What a new run gets: every param left at its default. */
  defaults: {},
} as const;

export type RecipeName = keyof typeof recipes;
export const recipeNames = Object.keys(recipes) as RecipeName[];
export const recipeNamed = (name: RecipeName): Record<string, unknown> => ({ ...recipes[name] });
