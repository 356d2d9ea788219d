import { screen, type BrowserWindow, type Rectangle } from 'electron';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../services/jsonStore.js';

const stateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400),
  height: z.number().int().min(300),
  maximized: z.boolean().default(false),
});
export type WindowState = z.output<typeof stateSchema>;

const DEFAULT: WindowState = { width: 1280, height: 860, maximized: false };

/** The window's size and place from the last session, in <userData>/window-state.json. */
export async function readWindowState(userData: string): Promise<WindowState> {
  const state = await readJsonFile(join(userData, 'window-state.json'), stateSchema, DEFAULT);
  // A window remembered on a display that has since been unplugged opens centred instead.
  if (state.x !== undefined && state.y !== undefined && !onSomeDisplay(state as Rectangle)) {
    return { width: state.width, height: state.height, maximized: state.maximized };
  }
  return state;
}

/** Saves the window's size as it closes (the normal size when maximized, so un-maximizing restores it). */
export function rememberWindowState(window: BrowserWindow, userData: string): void {
  window.on('close', () => {
    const bounds = window.getNormalBounds();
    const state: WindowState = { ...bounds, maximized: window.isMaximized() };
    writeJsonFile(join(userData, 'window-state.json'), state).catch((error: Error) =>
      console.warn(`Could not save the window size: ${error.message}`),
    );
  });
}

function onSomeDisplay(bounds: Rectangle): boolean {
  return screen.getAllDisplays().some(({ workArea: area }) =>
    bounds.x < area.x + area.width && bounds.x + bounds.width > area.x && bounds.y < area.y + area.height && bounds.y + bounds.height > area.y,
  );
}
