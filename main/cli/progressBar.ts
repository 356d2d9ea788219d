/**
 * A one-line progress bar with rate and ETA. On a terminal it redraws in place; elsewhere (CI,
 * pipes) it prints a plain line at most every few seconds so logs stay readable.
 */
export class ProgressBar {
  private readonly started = performance.now();
  private lastPrint = 0;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly unit: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  /** `extra` is shown after the numbers, e.g. losses. `rate` overrides the measured rate. */
  update(done: number, total: number, extra = '', rate?: number): void {
    const now = performance.now();
    if (now - this.lastPrint < (this.tty ? 100 : 5000) && done < total) return;
    this.lastPrint = now;
    const seconds = (now - this.started) / 1000;
    const perSec = rate ?? (seconds > 0 ? done / seconds : 0);
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const eta = perSec > 0 && rate === undefined ? (total - done) / perSec : undefined;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    const line = `${this.label} ${bar} ${done}/${total} ${(fraction * 100).toFixed(0)}% ${formatRate(perSec)} ${this.unit}/s${eta !== undefined ? ` ETA ${formatDuration(eta)}` : ''}${extra ? `  ${extra}` : ''}`;
    if (this.tty) this.out.write(`\r\x1b[K${line}`);
    else this.out.write(`${line}\n`);
  }

  /** Ends the bar; the caller prints its own one-line summary after. */
  done(): void {
    if (this.tty) this.out.write('\n');
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const formatRate = (r: number): string => (r >= 100 ? r.toFixed(0) : r.toFixed(1));
