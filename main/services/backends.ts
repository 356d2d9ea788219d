import type { BackendReport } from '../../shared/backends.js';
import { backendReport as probeAll } from '../engine/backend/backendReport.js';

let last: Promise<BackendReport> | null = null;

/**
 * The backend report for the studio's panel. Probing loads each backend in its own process (a few
 * seconds in all), so one report serves until the user asks again; a failed probe is not kept.
 */
export function backendReport(refresh: boolean): Promise<BackendReport> {
  if (!last || refresh) {
    last = probeAll();
    last.catch(() => (last = null));
  }
  return last;
}
