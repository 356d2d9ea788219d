import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeatureNetKind } from '../../../shared/quality.js';
import type { Dataset } from '../../data/datasetCache.js';
import { makeStagingDir, publishDirAtomic, syncTree } from '../../project/atomicWrite.js';
import { projectLayout } from '../../project/layout.js';
import { readLayersModel, writeLayersModel } from '../checkpoint/generatorFiles.js';

/** Bumped whenever the network, its training or the split changes, so older cached networks are retrained. */
export const FEATURE_NET_VERSION = 1;
const FORMAT = 'gan-studio/feature-net';

/** cache/quality/<fingerprint>/info.json beside model/ (a TF.js Layers model). */
export interface FeatureNetInfo {
  format: typeof FORMAT;
  version: number;
  fingerprint: string;
  kind: FeatureNetKind;
  classes: number;
  trainedOn: number;
  heldOutAccuracy?: number;
  seconds: number;
  createdAt: string;
}

/**
 * Names a dataset by its content: pixels, labels, shape and classes, plus the feature network's
 * version. Re-importing the same images finds the cached network; any change trains a new one.
 */
export function datasetFingerprint(dataset: Dataset): string {
  const { width, height, channels, classes } = dataset.manifest;
  return createHash('sha256')
    .update(JSON.stringify({ v: FEATURE_NET_VERSION, width, height, channels, classes }))
    .update(dataset.images)
    .update(dataset.labels)
    .digest('hex')
    .slice(0, 24);
}

export const featureNetDir = (projectDir: string, fingerprint: string): string => join(projectLayout(projectDir).cacheDir, 'quality', fingerprint);

/** The cached network for this fingerprint, or null when there is none (or it cannot be read: it is then retrained). */
export async function loadFeatureNet(dir: string, fingerprint: string): Promise<{ model: tf.LayersModel; info: FeatureNetInfo } | null> {
  try {
    const info = JSON.parse(await readFile(join(dir, 'info.json'), 'utf8')) as FeatureNetInfo;
    if (info.format !== FORMAT || info.version !== FEATURE_NET_VERSION || info.fingerprint !== fingerprint) return null;
    return { model: await readLayersModel(join(dir, 'model')), info };
  } catch {
    return null;
  }
}

/** Writes the network in a staging folder and renames it into place, so a kill never leaves half a cache entry. */
export async function saveFeatureNet(dir: string, model: tf.LayersModel, info: Omit<FeatureNetInfo, 'format' | 'version'>): Promise<FeatureNetInfo> {
  const full: FeatureNetInfo = { format: FORMAT, version: FEATURE_NET_VERSION, ...info };
  const staging = await makeStagingDir(dir);
  try {
    await writeLayersModel(model, join(staging, 'model'));
    await writeFile(join(staging, 'info.json'), JSON.stringify(full, null, 2) + '\n');
    await syncTree(staging);
    await publishDirAtomic(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another process (an evaluate beside a training run) may have cached the same network first: use it.
    const cached = await loadFeatureNet(dir, info.fingerprint);
    if (!cached) throw error;
    cached.model.dispose();
    return cached.info;
  }
  return full;
}
