import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { testBackendEnv, testBackendName } from '../support/testBackend.js';

const cli = join(import.meta.dirname, '..', '..', '..', 'main', 'cli.ts');

function gan(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    encoding: 'utf8',
    env: { ...testBackendEnv(), ...env },
    timeout: 300_000,
  });
  return { code: result.status, out: result.stdout + result.stderr };
}

test('gan-studio: train on a built-in set, resume, sample', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gan-cli-'));
  const project = join(dir, 'my demo ✓');
  try {
    const first = gan(['train', '--builtin', 'shapes', '--preset', 'cgan', '--epochs', '1', '--project', project, '--size', '16', '--count', '256', '--param', 'hiddenUnits=[32,64]']);
    assert.equal(first.code, 0, first.out);
    assert.match(first.out, /Imported 256 images, 16x16x3, 4 classes/);
    // The backend the suite trains on (native TensorFlow where provisioned, else WebAssembly) is named.
    assert.match(first.out, testBackendName === 'wasm' ? /Backend: CPU \(WebAssembly/ : /Backend: (CPU \((native TensorFlow|WebAssembly)|GPU \(CUDA)/);
    assert.match(first.out, /Training \[#+\] 4\/4 100%/, 'a progress bar with the step count');
    assert.match(first.out, /Finished run-001: 4 steps .* img\/s, D loss \d/, 'a one-line summary');

    const resumed = gan(['train', '--project', project, '--resume', '--epochs', '2']);
    assert.equal(resumed.code, 0, resumed.out);
    assert.match(resumed.out, /Resuming run-001 from step-00000004/);
    assert.match(resumed.out, /Finished run-001: 4 steps \(to step 8\)/);

    // Resuming a run that has trained all its epochs says so and how to go on, instead of training 0 steps.
    const done = gan(['train', '--project', project, '--resume']);
    assert.equal(done.code, 1, done.out);
    assert.match(done.out, /already reached the 2 epochs asked for, so there is nothing to resume\. To train it further, give the new total: --epochs 12/);

    // A mistyped project folder is not found, not "not trained yet".
    const missing = gan(['sample', '--project', join(dir, 'no such project'), '--out', join(dir, 'x.png')]);
    assert.equal(missing.code, 1);
    assert.match(missing.out, /No project folder at .*no such project: it does not exist/);

    const out = join(project, 'grid.png');
    const sample = gan(['sample', '--project', project, '--count', '8', '--out', out]);
    assert.equal(sample.code, 0, sample.out);
    const png = await sharp(out).metadata();
    // cgan: one column per class (4) and two rows, 16 px cells with 2 px gaps.
    assert.equal(png.width, 4 * 16 + 3 * 2);
    assert.equal(png.height, 2 * 16 + 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('gan-studio: import lists skipped files; usage mistakes and bad values get specific messages', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gan-cli-'));
  try {
    const images = join(dir, 'pictures');
    for (const cls of ['cats', 'dogs']) {
      await mkdir(join(images, cls), { recursive: true });
      for (let i = 0; i < 3; i++) {
        await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 40 * i, g: 100, b: 200 } } }).png().toFile(join(images, cls, `${i}.png`));
      }
    }
    await writeFile(join(images, 'dogs', 'broken.png'), 'not really a png');
    const project = join(dir, 'pets');
    const imported = gan(['import', images, '--project', project, '--size', '28', '--channels', 'gray']);
    assert.equal(imported.code, 0, imported.out);
    assert.match(imported.out, /Imported 6 images, 28x28x1, 2 classes \(cats, dogs\), 1 skipped/);
    assert.match(imported.out, /skipped dogs\/broken\.png: /);

    const noProject = gan(['train']);
    assert.equal(noProject.code, 2);
    assert.match(noProject.out, /--project is required/);
    const badPreset = gan(['train', '--project', project, '--preset', 'stylegan']);
    assert.equal(badPreset.code, 2);
    assert.match(badPreset.out, /--preset must be one of mlp, dcgan, cgan, cdcgan/);
    const badParam = gan(['train', '--project', project, '--preset', 'mlp', '--param', 'batchSize=0']);
    assert.equal(badParam.code, 1);
    assert.match(badParam.out, /Invalid mlp parameters: batchSize: /);
    const badBackend = gan(['train', '--project', project, '--preset', 'mlp'], { GAN_STUDIO_BACKEND: 'tpu' });
    assert.equal(badBackend.code, 1);
    assert.match(badBackend.out, /GAN_STUDIO_BACKEND=tpu is not a backend; use one of gpu, native, wasm, cpu/);
    const unknown = gan(['fly']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.out, /unknown command "fly"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
