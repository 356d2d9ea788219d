import type { MenuCommand } from '../../../shared/contract.js';
import { runCommand } from './actions.js';
import { screens } from './studio.svelte.js';

const screenCommands: MenuCommand[] = ['showDataset', 'showModel', 'showTrain', 'showRuns', 'showExport'];

/** What the shortcuts are, for the help line on the Train screen and the welcome screen. */
export const shortcutHelp = [
  ['Ctrl/⌘ + Enter', 'start training (or resume)'],
  ['Space', 'pause / resume'],
  ['Ctrl/⌘ + .', 'stop (keeps a checkpoint)'],
  ['1 – 5', `go to ${screens.join(', ')}`],
] as const;

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * Keyboard shortcuts of the window. In the desktop app the native menu owns the Ctrl/⌘ ones (and
 * sends them as menu commands), so `withModifiers` is false there and each key acts once.
 */
export function installShortcuts(withModifiers: () => boolean): () => void {
  const onKey = (event: KeyboardEvent) => {
    const mod = event.ctrlKey || event.metaKey;
    let command: MenuCommand | null = null;
    if (mod && withModifiers()) {
      if (event.key === 'Enter') command = 'startTraining';
      else if (event.key === '.') command = 'stopTraining';
    } else if (!mod && !event.altKey && !typing(event.target)) {
      if (event.key === ' ' && !(event.target instanceof HTMLButtonElement)) command = 'togglePause';
      else if (/^[1-5]$/.test(event.key)) command = screenCommands[Number(event.key) - 1];
    }
    if (!command) return;
    event.preventDefault();
    runCommand(command);
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
