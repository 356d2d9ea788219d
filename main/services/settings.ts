import { join } from 'node:path';
import { settingsSchema, type Settings } from '../../shared/contract.js';
import { readJsonFile, writeJsonFile } from './jsonStore.js';

/** The user's preferences, in <config dir>/settings.json. */
export class SettingsFile {
  private readonly path: string;
  private current: Settings | null = null;

  constructor(configDir: string) {
    this.path = join(configDir, 'settings.json');
  }

  async read(): Promise<Settings> {
    this.current ??= await readJsonFile(this.path, settingsSchema, settingsSchema.parse({}));
    return this.current;
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    const next = settingsSchema.parse({ ...(await this.read()), ...patch });
    await writeJsonFile(this.path, next);
    this.current = next;
    return next;
  }
}
