import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presetParamSchemas, presets, type PresetId } from '../../../shared/presets.js';
import { networkWeights } from '../../../shared/modelSize.js';
import { buildModels, resolveParams } from '../../../main/engine/models/buildModels.js';

test('the size estimate matches the weights the engine builds', () => {
  const cases: [PresetId, Record<string, unknown>, { height: number; width: number; channels: number; classes: number }][] = [
    ['mlp', {}, { height: 28, width: 28, channels: 1, classes: 0 }],
    ['cgan', { hiddenUnits: [64, 128] }, { height: 16, width: 16, channels: 3, classes: 4 }],
    ['dcgan', { baseFilters: 16 }, { height: 64, width: 64, channels: 3, classes: 0 }],
    ['cdcgan', { baseFilters: 16 }, { height: 28, width: 28, channels: 1, classes: 10 }],
  ];
  for (const [preset, raw, shape] of cases) {
    const params = resolveParams(preset, raw);
    const models = buildModels(preset, params, shape, 1);
    const estimate = networkWeights(presets[preset].convolutional, presets[preset].conditional, params, shape);
    for (const [net, model] of [['generator', models.generator], ['discriminator', models.discriminator]] as const) {
      const built = model.countParams();
      assert.ok(Math.abs(estimate[net] - built) / built < 0.01, `${preset} ${net}: estimated ${estimate[net]}, built ${built}`);
    }
    models.generator.dispose();
    models.discriminator.dispose();
  }
});

test('a model too large to build is refused with a message before any weight is allocated', () => {
  // 6 x 8192 hidden units: 335 million weights between the hidden layers alone (3.5 GB in the probe).
  const huge = presetParamSchemas.mlp.safeParse({ hiddenUnits: [8192, 8192, 8192, 8192, 8192, 8192] });
  assert.equal(huge.success, false);
  assert.match(huge.error!.issues[0].message, /too large a network .*narrower layers/);
  assert.equal(presetParamSchemas.mlp.safeParse({ hiddenUnits: [256, 512, 1024] }).success, true, 'the defaults pass');
  const wide = resolveParams('dcgan', { baseFilters: 1024 });
  assert.throws(
    () => buildModels('dcgan', wide, { height: 128, width: 128, channels: 3, classes: 0 }, 1),
    /This model is too large: its generator would have \d+ million weights \(\d+ MB\), over the limit of 60 million per network\. Use a smaller baseFilters or smaller images\./,
  );
  const pixelsHeavy = resolveParams('mlp', { hiddenUnits: [4096, 4096] });
  assert.throws(() => buildModels('mlp', pixelsHeavy, { height: 128, width: 128, channels: 3, classes: 0 }, 1), /narrower hiddenUnits or smaller images/);
});
