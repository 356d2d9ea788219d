/**
 * The hand-off commands as a user types them (issue 13): `export --format npz|stylegan-dataset|
 * pytorch` and `import-generator`, their summary lines and default places, and the mistakes they
 * refuse with a message naming the flag (exit 2) or the problem (exit 1).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tinyProject } from '../support/tinyProject.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let project: Awaited<ReturnType<typeof tinyProject>>;

before(async () => {
  project = await tinyProject({ size: 16, count: 16 });
});
after(() => project.cleanup());

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'main', 'cli.ts'), ...args], { cwd: root, env: { ...process.env, GAN_STUDIO_BACKEND: 'wasm' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('export --format npz writes into the project by default and says how to load it', async () => {
  const run = await cli('export', '--project', project.dir, '--format', 'npz');
  assert.equal(run.code, 0, run.stderr);
  const out = join(project.dir, 'exports', 'dataset.npz');
  assert.match(run.stdout, new RegExp(`^Wrote 16 images of 16x16 \\(RGB, 4 classes\\) as numpy arrays to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\([\\d.]+ kB`));
  assert.match(run.stdout, /np\.load\(/);
  assert.ok((await stat(out)).size > 16 * 16 * 16 * 3);
});

test('mistakes are refused with a message: a flag of another format, a StyleGAN size that is no power of two, a file that is no .onnx', async () => {
  const run = await cli('export', '--project', project.dir, '--format', 'npz', '--run', 'run-001');
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--run and --checkpoint do not apply to the npz format/);
  const size = await cli('export', '--project', project.dir, '--format', 'stylegan-dataset', '--resolution', '24', '--out', join(project.dir, 'x.zip'));
  assert.equal(size.code, 1);
  assert.match(size.stderr, /--resolution must be a power of two/);
  const notes = join(project.dir, 'notes.txt');
  await writeFile(notes, 'hello');
  const onnx = await cli('import-generator', notes, '--project', project.dir);
  assert.equal(onnx.code, 2);
  assert.match(onnx.stderr, /import-generator reads an \.onnx file/);
});
