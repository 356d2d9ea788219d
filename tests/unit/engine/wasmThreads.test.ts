import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { threadsWanted } from '../../../main/engine/backend/wasmSetup.js';

/**
 * The threaded wasm build is started in a child process each time: tfjs backends are process-wide
 * state, and the point is also that the process ends by itself afterwards.
 */

const setupModule = fileURLToPath(new URL('../../../main/engine/backend/wasmSetup.ts', import.meta.url));
const threadsModule = fileURLToPath(new URL('../../../main/engine/backend/wasm/threads.ts', import.meta.url));

/** One dense layer's forward and backward pass, large enough for XNNPACK to split across threads. */
const trainingStep = `
  const x = tf.tensor2d(Array.from({ length: 64 * 300 }, (_, i) => Math.sin(i)), [64, 300]);
  const w = tf.variable(tf.tensor2d(Array.from({ length: 300 * 200 }, (_, i) => Math.cos(i) / 10), [300, 200]));
  const grads = tf.grads((a, b) => tf.matMul(a, b).relu().square().sum())([x, w]);
  const checksum = grads.map((g) => Array.from(g.dataSync()).reduce((s, v, i) => s + v * ((i % 7) + 1), 0));
`;

function runChild(script: string, env: Record<string, string>): Promise<{ stdout: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve({ stdout, ms: performance.now() - started });
      },
    );
  });
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);

describe('wasm threads', () => {
  test('GAN_STUDIO_WASM_THREADS picks the count, 1 turns threads off, nonsense is refused', () => {
    assert.equal(threadsWanted({ GAN_STUDIO_WASM_THREADS: '1' }), 1);
    assert.equal(threadsWanted({ GAN_STUDIO_WASM_THREADS: '3' }), 3);
    assert.equal(threadsWanted({ GAN_STUDIO_WASM_THREADS: '64' }), 8);
    assert.ok(threadsWanted({}) >= 1);
    assert.throws(() => threadsWanted({ GAN_STUDIO_WASM_THREADS: 'two' }), /GAN_STUDIO_WASM_THREADS=two/);
    assert.throws(() => threadsWanted({ GAN_STUDIO_WASM_THREADS: '0' }), /whole number/);
  });

  test('two threads start, compute what one thread computes, and the process still exits', async () => {
    const script = (threads: string) => `
      import * as tf from '@tensorflow/tfjs';
      import { setupWasm } from ${JSON.stringify(setupModule)};
      const threads = await setupWasm();
      await tf.setBackend('wasm');
      ${trainingStep}
      console.log(JSON.stringify({ threads, checksum, wanted: ${threads} }));
    `;
    const threaded = await runChild(script('2'), { GAN_STUDIO_WASM_THREADS: '2' });
    const single = await runChild(script('1'), { GAN_STUDIO_WASM_THREADS: '1' });
    const a = lastJson(threaded.stdout);
    const b = lastJson(single.stdout);
    assert.equal(a.threads, 2, 'the threaded build should be running with 2 threads');
    assert.equal(b.threads, 1);
    a.checksum.forEach((value: number, i: number) => {
      assert.ok(Math.abs(value - b.checksum[i]) <= 1e-4 * Math.abs(b.checksum[i]), `gradient ${i}: ${value} vs ${b.checksum[i]}`);
    });
  });

  test('after a failed threaded start the backend comes back single-threaded', async () => {
    const script = `
      import * as tf from '@tensorflow/tfjs';
      import { registerTrainingKernels } from ${JSON.stringify(fileURLToPath(new URL('../../../main/engine/backend/wasm/registerKernels.ts', import.meta.url)))};
      import { resetToSingleThread, startThreadedWasm } from ${JSON.stringify(threadsModule)};
      registerTrainingKernels();
      await startThreadedWasm(2);
      resetToSingleThread();
      await tf.setBackend('wasm');
      ${trainingStep}
      const threads = tf.backend().wasm.tfjs.getThreadsCount();
      console.log(JSON.stringify({ threads, checksum, pthreads: 'PThread' in tf.backend().wasm }));
    `;
    const result = lastJson((await runChild(script, {})).stdout);
    assert.equal(result.pthreads, false, 'the single-threaded build should be loaded');
    assert.ok(result.checksum.every(Number.isFinite));
  });
});
