import { open, readFile } from 'node:fs/promises';
import type { DatasetPreview } from '../../shared/contract.js';
import { isLabelled, type DatasetManifest } from '../../shared/dataset.js';
import { bytesPerImage } from '../data/datasetCache.js';
import { composeGrid } from '../engine/samples/grid.js';
import { projectLayout } from '../project/layout.js';

/** Rows a labelled preview shows at most (one per class). */
const MAX_CLASS_ROWS = 16;

/**
 * Thumbnails of a project's dataset as one grid: a row per class when labelled, else evenly
 * spaced images. Reads only the chosen images from images.u8, never the whole file.
 */
export async function datasetPreview(projectDir: string, manifest: DatasetManifest, perRow: number, rows: number): Promise<DatasetPreview> {
  const layout = projectLayout(projectDir);
  const labelled = isLabelled(manifest);
  const picks: number[][] = labelled
    ? await pickPerClass(layout.labels, manifest, perRow)
    : chunk(evenly(manifest.count, perRow * rows), perRow);
  const size = bytesPerImage(manifest);
  const cols = Math.max(1, ...picks.map((row) => row.length));
  const pixels = new Uint8Array(picks.length * cols * size);
  const file = await open(layout.images, 'r');
  try {
    for (const [r, row] of picks.entries()) {
      for (const [c, index] of row.entries()) {
        await file.read(pixels, (r * cols + c) * size, size, index * size);
      }
    }
  } finally {
    await file.close();
  }
  const image = { height: manifest.height, width: manifest.width, channels: manifest.channels };
  return {
    grid: composeGrid(pixels, image, picks.length, cols),
    rowLabels: labelled ? manifest.classes.slice(0, picks.length) : picks.map(() => ''),
  };
}

async function pickPerClass(labelsPath: string, manifest: DatasetManifest, perRow: number): Promise<number[][]> {
  const labels = await readFile(labelsPath);
  const classes = Math.min(manifest.classes.length, MAX_CLASS_ROWS);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < classes) byClass[labels[i]].push(i);
  }
  return byClass.map((indices) => evenly(indices.length, perRow).map((k) => indices[k]));
}

/** `want` indices spread evenly over 0..count-1 (all of them when there are fewer). */
function evenly(count: number, want: number): number[] {
  if (count <= want) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: want }, (_, i) => Math.floor((i * count) / want));
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
