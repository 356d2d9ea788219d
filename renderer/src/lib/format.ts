/** Numbers and durations the way the screens show them. */
export const count = (n: number): string => n.toLocaleString('en-US');

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export const fixed = (n: number | undefined | null, digits = 3): string => (n === undefined || n === null || !Number.isFinite(n) ? '–' : n.toFixed(digits));

export function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

export const shape = (dims: number[]): string => dims.map((d) => (d < 0 ? '?' : d)).join(' × ');

export const when = (iso: string): string => new Date(iso).toLocaleString();
