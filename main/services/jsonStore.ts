import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { writeJsonAtomic } from '../project/atomicWrite.js';

/**
 * A small JSON file of the studio's own (settings, recent projects) read through a schema.
 * A missing or damaged file reads as the fallback: losing a preference must never stop the app.
 */
export async function readJsonFile<S extends z.ZodType>(path: string, schema: S, fallback: z.output<S>): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return fallback;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    console.warn(`${path} is damaged and was ignored.`);
  } catch {
    console.warn(`${path} is not valid JSON and was ignored.`);
  }
  return fallback;
}

export const writeJsonFile = (path: string, value: unknown): Promise<void> => writeJsonAtomic(path, value);
