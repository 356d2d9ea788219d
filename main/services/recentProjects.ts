import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { RecentProject } from '../../shared/contract.js';
import { readJsonFile, writeJsonFile } from './jsonStore.js';

const MAX_RECENT = 10;
const recentSchema = z.array(z.object({ path: z.string(), name: z.string(), openedAt: z.string() }));

/** Projects opened lately, newest first, in <config dir>/recent-projects.json. */
export class RecentProjects {
  private readonly path: string;

  constructor(configDir: string) {
    this.path = join(configDir, 'recent-projects.json');
  }

  /** The list, leaving out projects whose folder has gone (moved, deleted, unplugged drive). */
  async list(): Promise<RecentProject[]> {
    const all = await readJsonFile(this.path, recentSchema, []);
    const present = await Promise.all(all.map(async (p) => ((await stat(p.path).catch(() => null))?.isDirectory() ? p : null)));
    return present.filter((p): p is RecentProject => p !== null);
  }

  async add(path: string, name: string): Promise<RecentProject[]> {
    const all = await readJsonFile(this.path, recentSchema, []);
    const next = [{ path, name, openedAt: new Date().toISOString() }, ...all.filter((p) => p.path !== path)].slice(0, MAX_RECENT);
    await writeJsonFile(this.path, next);
    return next;
  }
}
