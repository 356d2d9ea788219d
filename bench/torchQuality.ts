import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { QualityRecord } from '../shared/quality.js';
import { exportHandoff } from '../main/engine/export/handoff.js';
import { importGenerator } from '../main/engine/import/importGenerator.js';
import { evaluateCheckpoint } from '../main/engine/quality/evaluateCheckpoint.js';
import { checkpointId } from '../main/project/layout.js';
import { run } from './childProcess.js';

export interface TorchQuality {
  quality: QualityRecord;
  seconds: number;
}

/**
 * The same architecture and recipe trained in PyTorch for the same steps, measured like the
 * studio's run: the run's step-0 checkpoint is exported as a PyTorch job (so both start from the
 * same weights), its train.py runs --init-from it in one CPU process on `threads` threads, and the
 * generator.onnx it writes is imported into the project as a run of its own and measured with the
 * project's feature network.
 */
export async function trainInTorch(python: string, projectDir: string, runId: string, steps: number, workDir: string, threads = 2): Promise<TorchQuality> {
  const jobDir = join(workDir, `${runId}-pytorch`);
  await exportHandoff(projectDir, 'pytorch', jobDir, { runId, checkpointId: checkpointId(0) });
  const started = performance.now();
  // One BLAS pool beside PyTorch's own threads, so the two do not oversubscribe the cores.
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: '1' };
  const args = [join(jobDir, 'train.py'), '--init-from', join(jobDir, 'init'), '--max-steps', String(steps), '--device', 'cpu', '--threads', String(threads), '--log-every', String(Math.max(1, steps))];
  await run(python, args, env, 3 * 60 * 60_000);
  const seconds = (performance.now() - started) / 1000;
  const onnxFile = join(jobDir, 'output', 'generator.onnx');
  if (!existsSync(onnxFile)) throw new Error(`train.py finished without writing ${onnxFile}`);
  const imported = await importGenerator(onnxFile, projectDir);
  const evaluation = await evaluateCheckpoint(projectDir, { runId: imported.runId });
  return { quality: evaluation.quality, seconds };
}
