import { readFile } from 'node:fs/promises';
import type { StepMetrics } from '../../shared/training.js';
import { runLayout } from '../project/layout.js';
import { parseMetricsLog } from '../project/metricsLog.js';

/** A run's logged metrics, thinned to at most `maxPoints` evenly spaced lines (the last one always kept). */
export async function runMetrics(runDir: string, maxPoints: number): Promise<StepMetrics[]> {
  let text: string;
  try {
    text = await readFile(runLayout(runDir).metrics, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const all = parseMetricsLog(text);
  if (all.length <= maxPoints) return all;
  const stride = all.length / maxPoints;
  const picked = Array.from({ length: maxPoints - 1 }, (_, i) => all[Math.floor(i * stride)]);
  picked.push(all[all.length - 1]);
  return picked;
}
