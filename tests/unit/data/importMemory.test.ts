import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { ByteBudget } from '../../../main/data/byteBudget.js';
import { decodeImage } from '../../../main/data/decodeImage.js';
import { importFolder } from '../../../main/data/importFolder.js';
import { settleWithin } from '../../../main/data/timeLimit.js';

test('the byte budget never lets more than its limit out at once, and every taker is served in the end', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 3 })), { maxLength: 40 }), async (limit, takers) => {
      const budget = new ByteBudget(limit);
      let served = 0;
      await Promise.all(
        takers.map(async ([bytes, ticks]) => {
          const give = await budget.take(bytes);
          assert.ok(budget.inUse <= limit, `${budget.inUse} in use, limit ${limit}`);
          for (let t = 0; t < ticks; t++) await new Promise((r) => setImmediate(r));
          served++;
          give();
        }),
      );
      assert.equal(served, takers.length);
      assert.equal(budget.inUse, 0);
      assert.ok(budget.peak <= limit);
    }),
    { numRuns: 200 },
  );
});

test('a cancel ends a wait for the budget at once', async () => {
  const budget = new ByteBudget(10);
  const give = await budget.take(10);
  const controller = new AbortController();
  const waiting = budget.take(5, controller.signal);
  controller.abort();
  await assert.rejects(waiting, (error: Error) => error.name === 'AbortError');
  give();
  assert.equal(budget.inUse, 0);
  await (await budget.take(10))();
});

test('a read that never ends is given up after its time limit, and a cancel ends the wait at once', async () => {
  const never = new Promise<string>(() => {});
  assert.equal(await settleWithin(never, 20, undefined, () => 'timed out'), 'timed out');
  const controller = new AbortController();
  const waiting = settleWithin(never, 60_000, controller.signal, () => 'timed out');
  controller.abort();
  await assert.rejects(waiting, (error: Error) => error.name === 'AbortError');
  assert.equal(await settleWithin(Promise.resolve('done'), 1000, undefined, () => 'timed out'), 'done');
});

test('decodes in flight hold at most the memory budget: file bytes and decoded pixels', async () => {
  const work = await mkdtemp(join(tmpdir(), 'gan-memory-'));
  try {
    // 12 noisy 400x300 PNGs (incompressible, ~360 kB each, 480 kB of decoded pixels each).
    const paths: string[] = [];
    for (let i = 0; i < 12; i++) {
      const path = join(work, `${i}.png`);
      await writeFile(path, await sharp({ create: { width: 400, height: 300, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer());
      paths.push(path);
    }
    const limit = 2 * 1024 * 1024;
    const budget = new ByteBudget(limit);
    const results = await Promise.all(paths.map((p) => decodeImage(p, { size: 16, channels: 'rgb', fit: 'crop', background: '#ffffff' }, { budget })));
    assert.ok(results.every((r) => r.ok));
    assert.ok(budget.peak <= limit, `peak ${budget.peak} bytes, limit ${limit}`);
    assert.ok(budget.peak >= 400 * 300 * 4, 'each decode takes its decoded size from the budget');
    assert.equal(budget.inUse, 0, 'all given back');

    // An import with a budget smaller than one file still completes, one file at a time, in order.
    const manifest = await importFolder(work, join(work, 'project'), { size: 16, channels: 'rgb', fit: 'crop' }, { memoryLimit: 1 });
    assert.equal(manifest.count, 12);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
