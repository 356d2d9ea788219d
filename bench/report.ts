import type { ImportFigures } from './import.js';
import type { KernelFigure } from './kernels.js';
import type { LagFigures } from './eventLoopLag.js';
import type { TorchFigures } from './torchPeer.js';
import type { TrainingFigures } from './trainingSpeed.js';

/** Everything one `npm run bench` measured; also what --json writes. */
export interface BenchResults {
  machine: { cpu: string; cores: number; memoryGb: number; node: string; platform: string };
  date: string;
  /** Backends asked for that did not load here, with the reason. */
  notLoaded?: string[];
  training: Array<{
    studio: TrainingFigures | { error: string };
    /** The same case on one wasm thread (--compare-threads). */
    oneThread?: TrainingFigures | { error: string };
    torch?: TorchFigures | { error: string };
    ratio?: number;
  }>;
  torch: { version: string; python: string; settings: string } | { missing: string } | { skipped: true };
  kernels?: { backend: string; kernels: Array<KernelFigure | { name: string; error: string }> } | { error: string };
  imports?: ImportFigures | { error: string };
  eventLoopLag?: LagFigures | { error: string };
}

const fixed = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The human-readable report, as Markdown tables (pasted as-is into the README). */
export function formatReport(results: BenchResults): string {
  const out: string[] = [];
  const m = results.machine;
  out.push(`Machine: ${m.cpu}, ${m.cores} cores, ${fixed(m.memoryGb)} GB, Node ${m.node}, ${m.platform}`);
  const labels = [...new Set(results.training.flatMap(({ studio }) => ('error' in studio ? [] : [`${studio.backendName} = ${studio.backend}`])))];
  if (labels.length) out.push(`Studio backends: ${labels.join('; ')}`);
  for (const line of results.notLoaded ?? []) out.push(`Not measured: ${line}`);
  const torch = results.torch;
  if ('version' in torch) out.push(`PyTorch ${torch.version} (${torch.python}), ${torch.settings}`);
  else if ('missing' in torch) out.push(torch.missing);
  out.push('');
  const compared = results.training.some((t) => t.oneThread);
  const header = ['preset', 'batch', 'backend', 'studio img/s', 'ms/step', 'peak RSS MB', 'tensor drift', 'PyTorch img/s', 'PyTorch threads (BLAS/torch)', 'studio / PyTorch', 'trainable params G / D'];
  if (compared) header.splice(4, 0, 'on 1 thread');
  out.push(
    table(
      header,
      results.training.map(({ studio, oneThread, torch: peer, ratio }) => {
        if ('error' in studio) return header.map((_, i) => (i === 0 ? studio.error : ''));
        const peerOk = peer && !('error' in peer) ? peer : undefined;
        const same = peerOk && peerOk.parameters.generator === studio.parameters.generator && peerOk.parameters.discriminator === studio.parameters.discriminator;
        const single = oneThread ? ('error' in oneThread ? 'failed' : fixed(oneThread.imagesPerSec)) : '-';
        return [
          studio.preset,
          String(studio.batchSize),
          studio.backendName,
          fixed(studio.imagesPerSec),
          ...(compared ? [single] : []),
          fixed(studio.msPerStep, 1),
          fixed(studio.peakRssMb),
          String(studio.tensorDrift),
          peerOk ? fixed(peerOk.imagesPerSec) : peer && 'error' in peer ? 'failed' : '-',
          peerOk ? `${peerOk.openblasThreads}/${peerOk.torchThreads}` : '-',
          ratio !== undefined ? `${ratio.toFixed(2)}x` : '-',
          `${fixed(studio.parameters.generator)} / ${fixed(studio.parameters.discriminator)}${peerOk ? (same ? ' (same)' : ` (PyTorch ${fixed(peerOk.parameters.generator)} / ${fixed(peerOk.parameters.discriminator)})`) : ''}`,
        ];
      }),
    ),
  );
  const failures = results.training.flatMap(({ studio, oneThread, torch: peer }) => [studio, oneThread, peer]).filter((f): f is { error: string } => !!f && 'error' in f);
  for (const failure of failures) out.push(`\nFailed: ${failure.error}`);
  if (results.kernels) {
    out.push('');
    if ('error' in results.kernels) out.push(`Kernels: failed: ${results.kernels.error}`);
    else {
      out.push(`Kernels (${results.kernels.backend}):`);
      out.push(table(['kernel', 'ms', 'GFLOP/s'], results.kernels.kernels.map((k) => ('error' in k ? [k.name, '-', k.error] : [k.name, fixed(k.ms, 2), fixed(k.gflops, 1)]))));
    }
  }
  if (results.imports) {
    out.push('');
    if ('error' in results.imports) out.push(`Import: failed: ${results.imports.error}`);
    else out.push(`Import: small PNGs ${fixed(results.imports.smallPngPerSec)} images/s; 256x256 JPEGs ${fixed(results.imports.jpeg256PerSec)} images/s`);
  }
  if (results.eventLoopLag) {
    const lag = results.eventLoopLag;
    if ('error' in lag) out.push(`Event-loop lag: failed: ${lag.error}`);
    else
      out.push(
        `Event-loop lag of the caller while a ${lag.preset} run streamed ${lag.metricsEvents} metrics and ${lag.sampleEvents} sample grids: p50 ${fixed(lag.p50Ms, 1)} ms, p99 ${fixed(lag.p99Ms, 1)} ms, max ${fixed(lag.maxMs, 1)} ms`,
      );
  }
  return out.join('\n');
}
