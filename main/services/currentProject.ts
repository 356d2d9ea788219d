import { readdir, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { DatasetManifest } from '../../shared/dataset.js';
import type { PresetId } from '../../shared/presets.js';
import { withPresetChoice, type ProjectSummary, type RunSummary } from '../../shared/project.js';
import { projectLayout } from '../project/layout.js';
import { ensureProject, openProject, writeProjectFile } from '../project/project.js';
import { listRuns } from '../project/runs.js';
import { tidyIfFree } from '../project/tidy.js';
import type { StudioEvents } from './events.js';
import type { RecentProjects } from './recentProjects.js';
import type { SettingsFile } from './settings.js';

const NO_PROJECT = 'No project is open: create or open a project first.';

/** Coalesces bursts of changes (several checkpoints in a second) into one projectChanged event. */
const CHANGE_DELAY_MS = 150;

/** The project the studio has open: at most one, shared by every window. */
export class CurrentProject {
  private dir: string | null = null;
  private pendingChange: NodeJS.Timeout | null = null;

  constructor(private readonly deps: { events: StudioEvents; recent: RecentProjects; settings: SettingsFile }) {}

  get path(): string | null {
    return this.dir;
  }

  /** The open project's folder, or an error a user understands. */
  require(): string {
    if (!this.dir) throw new Error(NO_PROJECT);
    return this.dir;
  }

  async summary(): Promise<ProjectSummary | null> {
    return this.dir ? openProject(this.dir) : null;
  }

  /** The open project's dataset manifest, or an error saying to import one. */
  async dataset(): Promise<DatasetManifest> {
    const summary = await this.summary();
    if (!summary) throw new Error(NO_PROJECT);
    if (!summary.dataset) throw new Error('This project has no dataset yet: import a folder or a built-in set first.');
    return summary.dataset;
  }

  runDir(runId: string): string {
    return projectLayout(this.require()).run(runId).dir;
  }

  checkpointDir(runId: string, checkpointId: string): string {
    return projectLayout(this.require()).run(runId).checkpoint(checkpointId);
  }

  /** Remembers the preset and params last chosen on the Model screen in project.json. */
  async savePresetChoice({ preset, params }: { preset: PresetId; params: Record<string, unknown> }): Promise<ProjectSummary> {
    const summary = await this.summary();
    if (!summary) throw new Error(NO_PROJECT);
    await writeProjectFile(summary.path, withPresetChoice(summary.project, preset, params));
    this.changed();
    return (await this.summary())!;
  }

  listRuns(): Promise<RunSummary[]> {
    return listRuns(this.require());
  }

  /**
   * Opens a project, first putting it in order after any process killed in it (unless another
   * process is writing to it now): see tidyProject.
   */
  async open(path: string): Promise<ProjectSummary> {
    const checked = await openProject(path);
    const tidied = await tidyIfFree(checked.path);
    for (const line of tidied?.actions ?? []) console.log(`${checked.project.name}: ${line}`);
    const summary = tidied && (tidied.actions.length || tidied.interrupted.length) ? await openProject(checked.path) : checked;
    await this.become(summary);
    return summary;
  }

  /** A new project in an empty or missing folder; an existing project there is opened instead. */
  async create(path: string, name?: string): Promise<ProjectSummary> {
    const dir = resolve(path);
    const existing = await stat(dir).catch(() => null);
    if (existing && !existing.isDirectory()) throw new Error(`${dir} is a file; choose a folder for the project.`);
    if (existing) {
      const entries = (await readdir(dir)).filter((n) => !n.startsWith('.'));
      if (entries.length > 0 && !entries.includes('project.json')) {
        throw new Error(`${dir} already holds other files; choose a new or empty folder for the project.`);
      }
    }
    await ensureProject(dir, name ?? basename(dir));
    return this.open(dir);
  }

  async close(): Promise<null> {
    this.dir = null;
    await this.deps.settings.update({ lastProject: null });
    this.deps.events.emit('projectChanged', null);
    return null;
  }

  /**
   * Reopens the project of the last session; quietly none when it has gone. Only a project the user
   * opened (one on the recent list) is reopened, whatever the settings file says.
   */
  async restoreLast(): Promise<ProjectSummary | null> {
    const { lastProject } = await this.deps.settings.read();
    if (!lastProject) return null;
    if (!(await this.deps.recent.list()).some((p) => p.path === lastProject)) return null;
    try {
      return await this.open(lastProject);
    } catch (error) {
      console.warn(`The last project could not be reopened: ${(error as Error).message}`);
      return null;
    }
  }

  /** Tells every window the project changed on disk (new dataset, run, checkpoint). */
  changed(): void {
    if (this.pendingChange) return;
    this.pendingChange = setTimeout(() => {
      this.pendingChange = null;
      this.summary().then(
        (summary) => this.deps.events.emit('projectChanged', summary),
        (error: Error) => console.warn(`Could not reread the project: ${error.message}`),
      );
    }, CHANGE_DELAY_MS);
  }

  /** Drops a pending change notice (on quit). */
  dispose(): void {
    if (this.pendingChange) clearTimeout(this.pendingChange);
    this.pendingChange = null;
  }

  private async become(summary: ProjectSummary): Promise<void> {
    this.dir = summary.path;
    await this.deps.recent.add(summary.path, summary.project.name);
    await this.deps.settings.update({ lastProject: summary.path });
    this.deps.events.emit('projectChanged', summary);
  }
}
