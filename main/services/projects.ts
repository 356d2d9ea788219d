import type { ParsedRequestOf } from '../../shared/contract.js';
import type { ProjectSummary } from '../../shared/project.js';
import type { Studio } from './studio.js';

/** A new project in a folder the window may use; refused while an import, a run or a measuring is under way. */
export function createProject(studio: Studio, { path, name }: ParsedRequestOf<'createProject'>): Promise<ProjectSummary> {
  studio.ensureIdle('create another project');
  return studio.project.create(studio.access.check(path, 'New project'), name);
}

export function openProject(studio: Studio, { path }: ParsedRequestOf<'openProject'>): Promise<ProjectSummary> {
  studio.ensureIdle('open another project');
  return studio.project.open(studio.access.check(path, 'Open project'));
}

export async function closeProject(studio: Studio): Promise<null> {
  studio.ensureIdle('close the project');
  return studio.project.close();
}
