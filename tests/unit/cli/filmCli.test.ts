/** `gan-studio export --format film` as a user runs it: the GIF, its progress, and what it refuses. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { readFilm } from '../../../main/project/film.js';
import { projectLayout } from '../../../main/project/layout.js';
import { presetCases, trainCase, type TrainedCase } from '../export/exportFixtures.js';
import { testBackendEnv } from '../support/testBackend.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let trained: TrainedCase;

before(async () => {
  trained = await trainCase(presetCases.find((c) => c.preset === 'mlp')!, 4);
});

after(async () => {
  await trained?.cleanup();
});

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'main', 'cli.ts'), ...args], { cwd: root, env: testBackendEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('export --format film writes the run film as a GIF with one frame per preview, with progress', async () => {
  const frames = await readFilm(projectLayout(trained.project).run('run-001').dir);
  assert.ok(frames.length >= 2, 'step 0 and the end at least');
  const run = await cli('export', '--project', trained.project, '--format', 'film', '--fps', '4');
  assert.equal(run.code, 0, run.stderr);
  const out = join(trained.project, 'exports', 'run-001-film.gif');
  assert.match(run.stdout, new RegExp(`^Wrote the training film of run-001 to .*run-001-film\\.gif: ${frames.length} frames \\(steps 0 to 4\\)`));
  assert.match(run.stderr, new RegExp(`Drawing frames \\[#+\\] ${frames.length}/${frames.length} 100%`));
  const meta = await sharp(out, { animated: true }).metadata();
  assert.equal(meta.pages, frames.length);
  assert.deepEqual(meta.delay, Array(frames.length).fill(250));

  const again = await cli('export', '--project', trained.project, '--format', 'film', '--run', 'run-001');
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists; pass --force to replace it/);
  assert.equal((await cli('export', '--project', trained.project, '--format', 'film', '--force')).code, 0);
});

test('export --format film refuses bad flags and unknown runs', async () => {
  const slow = await cli('export', '--project', trained.project, '--format', 'film', '--fps', '0');
  assert.equal(slow.code, 2);
  assert.match(slow.stderr, /--fps must be a whole number >= 1, got "0"/);
  const misplaced = await cli('export', '--project', trained.project, '--format', 'film', '--count', '3');
  assert.equal(misplaced.code, 2);
  assert.match(misplaced.stderr, /--count does not apply to the film format/);
  const fpsElsewhere = await cli('export', '--project', trained.project, '--format', 'onnx', '--fps', '3');
  assert.equal(fpsElsewhere.code, 2);
  const missing = await cli('export', '--project', trained.project, '--format', 'film', '--run', 'run-009');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No run run-009 in/);
});
