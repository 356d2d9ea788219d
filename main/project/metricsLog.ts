import { appendFile, copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StepMetrics } from '../../shared/training.js';

/** runs/<id>/metrics.jsonl: one JSON line per logged step, appended as training goes. */
export class MetricsLog {
  constructor(readonly path: string) {}

  async append(metrics: StepMetrics): Promise<void> {
    await appendFile(this.path, JSON.stringify(metrics) + '\n');
  }

  /** On resume: the log becomes the checkpoint's copy, dropping steps trained after it. */
  async restoreFrom(checkpointCopy: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    try {
      await copyFile(checkpointCopy, this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await rm(this.path, { force: true });
    }
  }
}

/** Parses a metrics log, skipping a torn last line left by a kill mid-write. */
export function parseMetricsLog(text: string): StepMetrics[] {
  const out: StepMetrics[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as StepMetrics);
    } catch {
      // torn line
    }
  }
  return out;
}
