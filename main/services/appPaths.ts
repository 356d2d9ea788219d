import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * dist/renderer, whether this file runs compiled (dist/main/services) or as source under tsx
 * (main/services), so web mode serves the same build either way.
 */
export function rendererDir(): string {
  const mainDir = dirname(dirname(fileURLToPath(import.meta.url)));
  const root = dirname(mainDir);
  return basename(root) === 'dist' && existsSync(join(root, 'renderer')) ? join(root, 'renderer') : join(root, 'dist', 'renderer');
}

/** Where the desktop app keeps its settings (Electron's userData for this app), so both modes share them. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'gan-studio');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'gan-studio');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'gan-studio');
}

/** Where "Try it" puts demo projects unless told otherwise. */
export const defaultProjectsDir = (): string => join(homedir(), 'GAN Studio');
