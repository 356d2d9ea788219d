import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { openDataset } from '../../../main/data/datasetCache.js';
import { importFolder } from '../../../main/data/importFolder.js';
import { ensureProject, openProject } from '../../../main/project/project.js';
import { tidyIfFree } from '../../../main/project/tidy.js';

const importer = join(import.meta.dirname, '..', 'support', 'importProcess.ts');

/** Runs the importer in its own process with a fault point set; resolves with how it ended. */
function importIn(folder: string, project: string, fault: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', importer, folder, project], { env: { ...process.env, GAN_STUDIO_FAULT: fault } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

async function pngFolder(dir: string, count: number, colour: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    await writeFile(join(dir, `${i}.png`), await sharp({ create: { width: 12, height: 12, channels: 3, background: { r: colour, g: i * 10, b: 0 } } }).png().toBuffer());
  }
  return dir;
}

/**
 * A dataset is replaced by renaming the old folder aside and the new one in. The importer is
 * killed at each step of that swap; a reader must still find a whole dataset, and opening the
 * project for writing must leave exactly one dataset (the old one until the swap completed, the
 * new one after) and no leftovers.
 */
test('the importer killed at each step of a dataset swap: a whole dataset is always there, and opening tidies up', async () => {
  const work = await mkdtemp(join(tmpdir(), 'gan-kill-import-'));
  try {
    const oldImages = await pngFolder(join(work, 'old'), 3, 10);
    const newImages = await pngFolder(join(work, 'new'), 5, 200);
    const steps = [
      { at: 'dataset:written', keeps: 3 },
      { at: 'publish:staged', keeps: 3 },
      { at: 'publish:old-moved', keeps: 3 },
      { at: 'publish:swapped', keeps: 5 },
    ];
    let recovered = 0;
    for (const step of steps) {
      const project = join(work, step.at.replace(':', '-'));
      await ensureProject(project);
      await importFolder(oldImages, project, { size: 8, channels: 'rgb', fit: 'crop' });
      const killed = await importIn(newImages, project, step.at);
      assert.equal(killed.signal, 'SIGKILL', `${step.at}: the importer died there (${killed.output})`);

      // A reader, before anything is repaired.
      assert.equal((await openDataset(project)).manifest.count, step.keeps, `${step.at}: a reader finds a whole dataset`);
      assert.equal((await openProject(project)).dataset?.count, step.keeps, `${step.at}: the project shows it`);

      const report = await tidyIfFree(project);
      assert.ok(report, `${step.at}: no live writer`);
      assert.deepEqual((await readdir(project)).sort(), ['dataset', 'project.json'], `${step.at}: one dataset and no leftovers (${report.actions.join('; ')})`);
      assert.equal((await openDataset(project)).manifest.count, step.keeps, `${step.at}: the dataset after repair`);

      await importFolder(newImages, project, { size: 8, channels: 'rgb', fit: 'crop' });
      assert.equal((await openDataset(project)).manifest.count, 5, `${step.at}: the next import works`);
      recovered++;
    }
    console.log(`import kills tried ${steps.length}, recovered ${recovered}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
