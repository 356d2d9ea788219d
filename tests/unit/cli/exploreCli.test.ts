import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gridCell } from '../../../shared/explore.js';
import { readGridPng } from '../../../main/engine/samples/grid.js';
import { presetCases, trainCase, type TrainedCase } from '../export/exportFixtures.js';

const cli = join(import.meta.dirname, '..', '..', '..', 'main', 'cli.ts');

/** `gan-studio explore`: the explorer's views as PNGs, with the same bounds as the window's requests. */
function gan(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', env: { ...process.env, GAN_STUDIO_BACKEND: 'wasm' }, timeout: 300_000 });
  return { code: result.status, out: result.stdout + result.stderr };
}

let trained: TrainedCase;
before(async () => {
  trained = await trainCase(presetCases.find((c) => c.preset === 'cgan')!, 2);
});
after(() => trained.cleanup());

test('explore walk: the PNG starts and ends at the chosen picks, truncated alike; bad values are refused naming the flag', async () => {
  const out = (name: string) => join(trained.project, 'explored', name);
  const cell = { height: 16, width: 16 };
  const samples = gan(['explore', 'samples', '--project', trained.project, '--count', '8', '--truncation', '0.7', '--class', 'square', '--scale', '1', '--out', out('samples.png')]);
  assert.equal(samples.code, 0, samples.out);
  const walk = gan(['explore', 'walk', '--project', trained.project, '--interpolate', '2,5', '--steps', '4', '--truncation', '0.7', '--class', 'square', '--scale', '1', '--out', out('walk.png')]);
  assert.equal(walk.code, 0, walk.out);
  const picks = await readGridPng(out('samples.png'), cell);
  const frames = await readGridPng(out('walk.png'), cell);
  assert.deepEqual([frames.rows, frames.cols], [1, 4]);
  assert.deepEqual(gridCell(frames, 0).rgba, gridCell(picks, 2).rgba, 'the walk starts at pick 2');
  assert.deepEqual(gridCell(frames, 3).rgba, gridCell(picks, 5).rgba, 'and ends at pick 5');
  assert.notDeepEqual(gridCell(frames, 1).rgba, gridCell(frames, 0).rgba);

  const nearest = gan(['explore', 'nearest', '--project', trained.project, '--pick', '1', '--k', '3', '--out', out('nearest.png')]);
  assert.equal(nearest.code, 0, nearest.out);
  assert.match(nearest.out, /Nearest by pixels \(RMS per value\): #\d+/);
  assert.match(nearest.out, /Nearest by features: Quality measures need at least 400 images/);

  for (const [args, message] of [
    [['walk', '--interpolate', '2,64'], /--interpolate: must be a sample number up to 63/],
    [['samples', '--truncation', '2.5'], /--truncation: ψ must be at most 2/],
    [['nearest', '--pick', '0', '--k', '33'], /--k: must be at most 32/],
    [['samples', '--pick', '3'], /the samples view does not use --pick/],
    [['morph', '--pick', '0', '--morph', 'circle,heptagon'], /"heptagon" is not a class/],
  ] as const) {
    const refused = gan(['explore', ...args, '--project', trained.project, '--out', out('refused.png')]);
    assert.equal(refused.code, 2, refused.out);
    assert.match(refused.out, message);
  }
});
