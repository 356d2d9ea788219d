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
