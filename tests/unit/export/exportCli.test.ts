/**
 * `gan-studio export` and `gan-studio sample --model` as a user runs them: exit codes, the
 * one-line summary, the default folder in the project, and an export sampled again without
 * its project drawing the checkpoint's images for the same seed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { presetCases, trainCase, type TrainedCase } from './exportFixtures.js';
import { testBackendEnv } from '../support/testBackend.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let work: string;
let trained: TrainedCase;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'gan-export-cli-'));
  trained = await trainCase(presetCases.find((c) => c.preset === 'cdcgan')!, 2);
});

after(async () => {
  await Promise.all([trained?.cleanup(), rm(work, { recursive: true, force: true })]);
});

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'main', 'cli.ts'), ...args], {
      cwd: root,
      env: testBackendEnv(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const raw = (path: string) => sharp(path).raw().toBuffer({ resolveWithObject: true });

test('export writes the latest checkpoint into the project exports folder by default, with a summary line', async () => {
  const run = await cli('export', '--project', trained.project, '--format', 'onnx');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout.trim(), /^Wrote ONNX model \(opset 13\) of the Conditional DCGAN generator to .*exports\/run-001-step-00000002-onnx \(run-001\/step-00000002, 2 files, [\d.]+ kB, [\d.]+s\)\.$/);
  assert.deepEqual(await readdir(join(trained.project, 'exports', 'run-001-step-00000002-onnx')), ['generator.onnx', 'metadata.json']);
});

test('export to a named folder with a chosen checkpoint, classes, count and seed; images show a progress bar', async () => {
  const outDir = join(work, 'mes images');
  const run = await cli('export', '--project', trained.project, '--checkpoint', '0', '--format', 'images', '--out', outDir, '--count', '40', '--class', 'cross', '--class', '3', '--seed', '12');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Wrote 80 PNG images of 28x28 \(40 for each of 2 classes\) and a 714x174 sample sheet, seed 12 to .*mes images \(run-001\/step-00000000, 82 files/);
  assert.match(run.stderr, /Drawing images \[#+\] 80\/80 100%/);
  assert.deepEqual((await readdir(join(outDir, 'images'))).sort(), ['cross', 'triangle']);
});

test('export refuses what it should, with the exit codes of the other commands', async () => {
  const badFormat = await cli('export', '--project', trained.project, '--format', 'pdf');
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /--format must be one of tfjs, onnx, images, gif, web, stylegan-dataset, npz, pytorch, film, got "pdf"/);
  const misplaced = await cli('export', '--project', trained.project, '--format', 'onnx', '--count', '3');
  assert.equal(misplaced.code, 2);
  assert.match(misplaced.stderr, /--count does not apply to the onnx format/);
  const outDir = join(work, 'twice');
  assert.equal((await cli('export', '--project', trained.project, '--format', 'tfjs', '--out', outDir)).code, 0);
  const again = await cli('export', '--project', trained.project, '--format', 'tfjs', '--out', outDir);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already holds an export\. Choose another folder, or replace it \(--force\)/);
  assert.equal((await cli('export', '--project', trained.project, '--format', 'tfjs', '--out', outDir, '--force')).code, 0);
  const help = await cli('export', '--help');
  assert.match(help.stdout, /gan-studio export --project DIR --format tfjs\|onnx\|images\|gif\|web/);
});

test('sample --model draws from TF.js, ONNX and web exports the images of sample --project', async () => {
  for (const format of ['tfjs', 'onnx', 'web']) {
    const run = await cli('export', '--project', trained.project, '--format', format, '--out', join(work, `model ${format}`));
    assert.equal(run.code, 0, run.stderr);
  }
  const reference = join(work, 'from project.png');
  const fromProject = await cli('sample', '--project', trained.project, '--seed', '21', '--count', '8', '--class', 'square', '--out', reference);
  assert.equal(fromProject.code, 0, fromProject.stderr);
  const expected = await raw(reference);
  for (const [format, path] of [
    ['tfjs', join(work, 'model tfjs')],
    ['tfjs', join(work, 'model tfjs', 'model.json')],
    ['onnx', join(work, 'model onnx', 'generator.onnx')],
    ['web', join(work, 'model web')],
  ]) {
    const out = join(work, `from ${format}.png`);
    const run = await cli('sample', '--model', path, '--seed', '21', '--count', '8', '--class', 'square', '--out', out);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Wrote 8 samples from the ${format === 'onnx' ? 'ONNX' : 'TF.js'} model `));
    const got = await raw(out);
    assert.deepEqual(got.info, expected.info);
    let worst = 0;
    for (let i = 0; i < got.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - expected.data[i]));
    assert.ok(worst <= (format === 'onnx' ? 1 : 0), `${path}: pixels differ by up to ${worst} from sample --project`);
  }
  const mixed = await cli('sample', '--model', join(work, 'model onnx'), '--project', trained.project, '--out', join(work, 'x.png'));
  assert.equal(mixed.code, 2);
  const missing = await cli('sample', '--model', join(work, 'nothing here'), '--out', join(work, 'x.png'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No exported model at /);
});
