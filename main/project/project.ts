import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { PROJECT_FORMAT, PROJECT_FORMAT_VERSION, projectFileSchema, type ProjectFile, type ProjectSummary } from '../../shared/project.js';
import { parseVersioned } from '../../shared/validation.js';
import { writeJsonAtomic } from './atomicWrite.js';
import { projectLayout } from './layout.js';
import { readManifest } from './manifest.js';
import { listRuns } from './runs.js';

/** Creates the project folder and project.json if missing; an existing project is opened as is. */
export async function ensureProject(dir: string, name = basename(resolve(dir))): Promise<ProjectFile> {
  const layout = projectLayout(dir);
  try {
    return await readProjectFile(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(layout.root, { recursive: true });
  const file: ProjectFile = {
    format: PROJECT_FORMAT,
    version: PROJECT_FORMAT_VERSION,
    name,
    createdAt: new Date().toISOString(),
    preset: 'dcgan',
    params: {},
    presetParams: {},
  };
  await writeJsonAtomic(layout.projectFile, file);
  return file;
}

export async function readProjectFile(dir: string): Promise<ProjectFile> {
  const path = projectLayout(dir).projectFile;
  const raw: unknown = JSON.parse(await readFile(path, 'utf8'));
  return parseVersioned(projectFileSchema, raw, path, 'project', PROJECT_FORMAT_VERSION);
}

export const writeProjectFile = (dir: string, file: ProjectFile): Promise<void> => writeJsonAtomic(projectLayout(dir).projectFile, file);

/** Everything the studio shows about a project: its file, its dataset (if imported) and its runs. */
export async function openProject(dir: string): Promise<ProjectSummary> {
  const path = resolve(dir);
  if (!(await stat(path).catch(() => null))?.isDirectory()) throw new Error(`No project folder at ${path}`);
  const project = await readProjectFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new Error(`${path} is not a GAN Studio project (no project.json)`);
    throw error;
  });
  return { path, project, dataset: await readManifest(path), runs: await listRuns(path) };
}
