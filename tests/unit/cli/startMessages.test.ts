/**
 * What a new user reads when `npm start` cannot fetch Electron (issue 15): one line with the
 * reason and the way out (web mode), not the downloader's stack trace.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', '..', '..');
const installed = existsSync(join(root, 'node_modules', 'electron', 'path.txt'));

test('npm start without the Electron binary and no way to fetch it says why in one line and points to web mode', { skip: installed && 'the Electron binary is installed here, so npm start would open the app instead of failing' }, async () => {
  const cache = await mkdtemp(join(tmpdir(), 'gan-electron-cache-'));
  try {
    // A mirror nobody listens on: the download fails at once, with or without internet.
    const run = spawnSync(process.execPath, [join(root, 'dist', 'main', 'app', 'startDesktop.js')], {
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: cache },
      timeout: 120_000,
    });
    const output = run.stdout + run.stderr;
    assert.equal(run.status, 1, output);
    assert.match(output, /the Electron binary could not be downloaded \(.+\)/);
    assert.match(output, /npm run serve/);
    assert.doesNotMatch(output, /^\s+at /m, 'no stack trace');
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});
