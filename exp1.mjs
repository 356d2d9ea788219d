import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import os from 'node:os';
const root = '/work/main/dist';
const { importBuiltin } = await import(root + '/main/data/builtins/index.js');
const { ensureProject } = await import(root + '/main/project/project.js');
const { runTraining } = await import(root + '/main/engine/training/runTraining.js');
const { evaluateCheckpoint } = await import(root + '/main/engine/quality/evaluateCheckpoint.js');
const { initBackend } = await import(root + '/main/engine/backend/initBackend.js');
await initBackend();
const dir = await mkdtemp(join(os.tmpdir(), 'exp1-'));
await ensureProject(dir, 'x');
await importBuiltin('digits', dir, { size: 14, count: 2000 });
for (const [name, extra] of Object.entries({ classic: { emaDecay: 0, augment: 'off' }, ema: { augment: 'off' }, augment: { emaDecay: 0, augment: 'on' }, both: {} })) {
  const t = Date.now();
  const end = await runTraining({ projectDir: dir, options: { preset: 'mlp', params: { batchSize: 64, hiddenUnits: [128, 256], learningRateG: 1e-3, learningRateD: 1e-3, ...extra }, epochs: 1000, maxSteps: 600, quality: false, keepEvery: 0 } }, () => {});
  const e = await evaluateCheckpoint(dir, {});
  const q = e.quality;
  console.log(name, end.type, ((Date.now() - t) / 1000).toFixed(0) + 's', 'FD', q.frechetDistance.toFixed(2), 'recall', q.recall.toFixed(3), 'prec', q.precision.toFixed(3), 'div', q.diversity.toFixed(3), 'cov', q.classCoverage?.toFixed(3));
}
