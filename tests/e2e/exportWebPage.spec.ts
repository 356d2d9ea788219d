/**
 * The exported web page in a real Chromium: from a file:// URL (no server, no network) and from a
 * static HTTP server. Self-contained: it trains a tiny conditional generator and exports the page
 * through the CLI, so it needs no app server. Run alone with
 *   npx playwright test tests/e2e/exportWebPage.spec.ts
 * Chromium comes from CHROMIUM_PATH or the usual places (Debian's /usr/bin/chromium).
 */
import { expect, test, type Page } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outputDir = join(root, 'test-output');
const chromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p): p is string => !!p && existsSync(p));

test.skip(!chromium, 'No Chromium found: set CHROMIUM_PATH to a Chromium or Chrome binary');
test.use({
  browserName: 'chromium',
  launchOptions: { executablePath: chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] },
});
test.describe.configure({ mode: 'serial' });

let work: string;
let webDir: string;
let tfjsDir: string;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  work = await mkdtemp(join(tmpdir(), 'gan-web-page-'));
  const project = join(work, 'project');
  // A folder name with a space and non-ASCII characters, as a user's Documents folder may have.
  webDir = join(work, 'web export é ✓');
  const cli = (...args: string[]) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'main', 'cli.ts'), ...args], {
      cwd: root,
      env: { ...process.env, GAN_STUDIO_BACKEND: 'wasm' },
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`gan-studio ${args.join(' ')} failed:\n${run.stderr}`);
  };
  cli('train', '--project', project, '--builtin', 'shapes', '--size', '16', '--count', '64', '--preset', 'cdcgan', '--param', 'baseFilters=8', '--batch-size', '16', '--max-steps', '4', '--epochs', '1');
  cli('export', '--project', project, '--format', 'web', '--out', webDir);
  tfjsDir = join(work, 'tfjs export');
  cli('export', '--project', project, '--format', 'tfjs', '--out', tfjsDir);
});

test.afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** What the canvas shows: its size and how varied its pixels are (0 for a blank canvas). */
function canvasStats(page: Page) {
  return page.evaluate(() => {
    const canvas = document.getElementById('samples') as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0;
    let sq = 0;
    let hash = 0;
    for (let i = 0; i < data.length; i += 4) {
      sum += data[i];
      sq += data[i] * data[i];
      hash = (hash * 31 + data[i] + data[i + 1] * 7 + data[i + 2] * 13) >>> 0;
    }
    const n = data.length / 4;
    return { width: canvas.width, height: canvas.height, std: Math.sqrt(sq / n - (sum / n) ** 2), hash };
  });
}

test('opens from a file:// URL with no network, draws samples, redraws at a click and per class', async ({ page }) => {
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

  await page.goto(pathToFileURL(join(webDir, 'index.html')).href);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(page.locator('body')).toHaveAttribute('data-drawn', '1');
  await expect(page.locator('#title')).toHaveText('Conditional DCGAN trained on Shapes');
  await expect(page.locator('#class-picker option')).toHaveText(['All classes', 'circle', 'cross', 'square', 'triangle']);

  // All classes: a row per class (4) of 6 samples, 16 px with 2 px gaps.
  const first = await canvasStats(page);
  expect(first).toMatchObject({ width: 6 * 16 + 5 * 2, height: 4 * 16 + 3 * 2 });
  expect(first.std).toBeGreaterThan(1);

  await page.getByRole('button', { name: 'New samples' }).click();
  await expect(page.locator('body')).toHaveAttribute('data-drawn', '2');
  const second = await canvasStats(page);
  expect(second.hash).not.toBe(first.hash);

  await page.locator('#class-picker').selectOption({ label: 'square' });
  await expect(page.locator('body')).toHaveAttribute('data-drawn', '3');
  expect(await canvasStats(page)).toMatchObject({ width: 6 * 16 + 5 * 2, height: 4 * 16 + 3 * 2 });

  await mkdir(outputDir, { recursive: true });
  await page.screenshot({ path: join(outputDir, 'export-web-page.png'), fullPage: true });
  test.info().annotations.push({ type: 'backend', description: (await page.locator('body').getAttribute('data-backend')) ?? '?' });
  expect(errors).toEqual([]);
  expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
});

test("the page's model draws the images of the exported TF.js model", async ({ page }) => {
  await page.goto(pathToFileURL(join(webDir, 'index.html')).href);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });

  // Reference: the same checkpoint's TF.js export, opened by TF.js in Node on the cpu backend.
  await tf.setBackend('cpu');
  const modelJson = JSON.parse(await readFile(join(tfjsDir, 'model.json'), 'utf8'));
  const weights = await readFile(join(tfjsDir, 'weights.bin'));
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: new Uint8Array(weights).buffer }),
  );
  // Wide noise as well as N(0, 1): a briefly trained generator draws near-gray images from
  // N(0, 1), and wide noise pushes them across the whole pixel range, so the check has teeth.
  for (const scale of [1, 100]) {
    const n = 8;
    const noise = Array.from((tf.randomNormal([n, 100], 0, scale, 'float32', 3 + scale).dataSync() as Float32Array));
    const ids = Array.from({ length: n }, (_, i) => i % 4);
    const expected = tf.tidy(() => {
      const images = model.predict([tf.tensor2d(noise, [n, 100]), tf.tensor2d(ids, [n, 1])]) as tf.Tensor;
      return Array.from(tf.clipByValue(tf.round(tf.mul(tf.add(images, 1), 127.5)), 0, 255).dataSync());
    });
    const drawn = await page.evaluate(([z, k]) => (window as unknown as { ganStudio: { generate(z: number[], k: number[]): Promise<Float32Array> } }).ganStudio.generate(z, k).then((v) => Array.from(v)), [noise, ids] as const);
    expect(drawn.length).toBe(n * 16 * 16 * 3);
    let worst = 0;
    let spread = 0;
    for (let i = 0; i < drawn.length; i++) {
      worst = Math.max(worst, Math.abs(drawn[i] - expected[i]));
      spread = Math.max(spread, Math.abs(expected[i] - 127.5));
    }
    test.info().annotations.push({ type: `noise x${scale}`, description: `max pixel difference ${worst}, pixels reach ${Math.round(127.5 - spread)}..${Math.round(127.5 + spread)}` });
    expect(worst).toBeLessThanOrEqual(1);
    if (scale > 1) expect(spread).toBeGreaterThan(40);
  }
  model.dispose();
});

test('served by a static HTTP server, the page works, and the folder holds the weights once', async ({ page }) => {
  const server: Server = createServer(async (req, res) => {
    const path = resolve(webDir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1) || 'index.html');
    if (!path.startsWith(webDir + sep) && path !== webDir) return res.writeHead(403).end();
    const body = await readFile(path).catch(() => null);
    if (!body) return res.writeHead(404).end();
    const type = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.json': 'application/json' }[extname(path)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await page.goto(`${base}/index.html`);
    await expect(page.locator('body')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    expect(Number(await page.locator('body').getAttribute('data-drawn'))).toBeGreaterThan(0);
    // model.js is the only copy of the weights: the folder is the bundle, the page and one model.
    expect((await readdir(webDir)).sort()).toEqual(['app.js', 'index.html', 'metadata.json', 'model.js', 'tf.min.js']);
  } finally {
    server.close();
  }
});
