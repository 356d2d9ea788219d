import type { z } from 'zod';

/** Turns zod issues into one message that names every bad field, e.g. `params.batchSize: must be >= 1`. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Parses `value` with `schema`, throwing an Error whose message names the bad fields. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`Invalid ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Parses a file the app wrote: a newer format version is refused naming both versions, a damaged
 * file names its bad fields. `where` is the file as the user knows it.
 */
export function parseVersioned<S extends z.ZodType>(schema: S, raw: unknown, where: string, format: string, supported: number): z.output<S> {
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > supported) {
    throw new Error(`${where} was written by a newer GAN Studio (${format} format ${version}; this version reads up to ${supported})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${where} is damaged: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
