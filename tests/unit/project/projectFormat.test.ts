import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpointFile } from '../../../main/project/checkpoints.js';
import { projectLayout } from '../../../main/project/layout.js';
import { ensureProject, openProject } from '../../../main/project/project.js';

test('a project written by a newer version, or damaged, is refused with the reason', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gan-format-'));
  try {
    await ensureProject(dir, 'format');
    const summary = await openProject(dir);
    assert.equal(summary.project.name, 'format');
    assert.equal(summary.dataset, null, 'a project without a dataset opens');

    const file = projectLayout(dir).projectFile;
    const good = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...good, version: 99 }));
    await assert.rejects(openProject(dir), /project\.json was written by a newer GAN Studio \(project format 99; this version reads up to 1\)/);
    await writeFile(file, JSON.stringify({ ...good, name: '' }));
    await assert.rejects(openProject(dir), /project\.json is damaged: name: /);
    await assert.rejects(openProject(join(dir, 'nowhere')), /No project folder at/);
    await rm(file);
    await assert.rejects(openProject(dir), /is not a GAN Studio project \(no project\.json\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a checkpoint from a newer version is refused naming both versions', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gan-format-'));
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'checkpoint.json'), JSON.stringify({ format: 'gan-studio/checkpoint', version: 7 }));
    await assert.rejects(readCheckpointFile(dir), /checkpoint\.json was written by a newer GAN Studio \(checkpoint format 7; this version reads up to 1\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
