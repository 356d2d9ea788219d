import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import sharp from 'sharp';
import { expect, test } from './support/pageGuard.js';
import { buildImageFolder } from './support/imageFolder.js';
import { checkScreenSizes } from './support/screens.js';
import { startStudioServer } from './support/studioServer.js';
import { spawnSync } from 'node:child_process';
import { repoRoot } from './support/paths.js';

/**
 * Web mode without a shared disk (issue 15): a folder chosen in the browser and a zip dropped on
 * the Dataset screen are sent to the studio and imported like folders, with their subfolders as
 * classes; an export comes back to the browser as a zip.
 */
const zipNames = (bytes: Buffer) =>
  new Promise<string[]>((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names.sort()));
      zip.readEntry();
    }),
  );

async function zipOf(files: Record<string, Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(files)) zip.addBuffer(data, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test('web mode: pictures sent from the browser are imported, and an export downloads as a zip', async ({ page }) => {
  const root = await mkdtemp(join(tmpdir(), 'gan-studio-e2e-upload-'));
  const projectDir = join(root, 'projects', 'uploads');
  const made = spawnSync(process.execPath, ['dist/main/cli.js', 'train', '--project', projectDir, '--builtin', 'shapes', '--size', '16', '--count', '64', '--preset', 'mlp', '--epochs', '1', '--batch-size', '16', '--param', 'hiddenUnits=[16,32]', '--no-quality'], { cwd: repoRoot, encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  const { folder, images } = await buildImageFolder(root, 8);
  const server = await startStudioServer(root);
  try {
    await page.goto(server.url);
    await page.getByTestId('open-project-path').fill(projectDir);
    await page.getByTestId('open-project-submit').click();
    await expect(page.getByTestId('upload-drop')).toBeVisible();
    await checkScreenSizes(page, 'upload-dataset');

    // A folder chosen in the browser: its class subfolders come along, the corrupt file is skipped as on disk.
    await page.getByTestId('import-size').selectOption('16');
    await page.getByTestId('upload-folder').setInputFiles(folder);
    await expect(page.getByTestId('dataset-count')).toHaveText(String(images), { timeout: 60_000 });
    await expect(page.getByTestId('dataset-summary')).toContainText('squares');
    await expect(page.getByTestId('skipped-count')).toHaveText('1');

    // A zip dropped on the zone; a text file dropped with it is left out and said so.
    const zip = await zipOf({
      'stars/a/0.png': await sharp({ create: { width: 20, height: 20, channels: 3, background: '#ffcc00' } }).png().toBuffer(),
      'stars/a/1.png': await sharp({ create: { width: 20, height: 20, channels: 3, background: '#ffaa00' } }).png().toBuffer(),
      'stars/b/0.png': await sharp({ create: { width: 20, height: 20, channels: 3, background: '#0033ff' } }).png().toBuffer(),
    });
    await page.getByTestId('upload-drop').evaluate(
      (zone, [bytes]) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], 'stars.zip', { type: 'application/zip' }));
        data.items.add(new File(['hello'], 'notes.txt', { type: 'text/plain' }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      [[...zip]],
    );
    await expect(page.getByTestId('upload-refused')).toContainText('notes.txt');
    await expect(page.getByTestId('dataset-count')).toHaveText('3', { timeout: 60_000 });
    await expect(page.getByTestId('dataset-summary')).toContainText('stars');

    // An export comes back as a zip.
    await page.getByTestId('nav-export').click();
    await page.getByTestId('export-format-images').check();
    await page.getByTestId('export-count').fill('4');
    await page.getByTestId('export-default').click();
    await expect(page.getByTestId('export-download')).toBeVisible({ timeout: 120_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    expect(download.suggestedFilename()).toMatch(/-images\.zip$/);
    const names = await zipNames(await readFile((await download.path())!));
    const folderName = download.suggestedFilename().replace(/\.zip$/, '');
    expect(names).toContain(`${folderName}/metadata.json`);
    expect(names).toContain(`${folderName}/sheet.png`);
    expect(names.filter((n) => n.startsWith(`${folderName}/images/`))).toHaveLength(4);
    await checkScreenSizes(page, 'upload-export');
  } finally {
    await page.close();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});
