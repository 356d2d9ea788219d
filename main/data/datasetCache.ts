import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, type DatasetManifest } from '../../shared/dataset.js';
import { projectLayout } from '../project/layout.js';
import { readManifest } from '../project/manifest.js';
import { makeStagingDir, publishDirAtomic, readableDir, syncDir } from '../project/atomicWrite.js';
import { diskFullMessage, isDiskFull } from '../project/diskFull.js';
import { faultPoint } from '../project/faultPoints.js';
import { lockProject } from '../project/lock.js';
import { tidyProject } from '../project/tidy.js';

/** A project's imported images, as training reads them: N x H x W x C bytes, row-major, and one label byte each. */
export interface Dataset {
  manifest: DatasetManifest;
  images: Uint8Array;
  labels: Uint8Array;
}

const IMAGES = 'images.u8';
const LABELS = 'labels.u8';
const MANIFEST = 'manifest.json';
/** Writes are gathered into chunks of about this size: one system call per small image would dominate an import. */
const FLUSH_BYTES = 4 * 1024 * 1024;
/** Linux writes at most ~2 GiB per call, and reads are kept to chunks well under that too. */
const IO_CHUNK = 256 * 1024 * 1024;

export const bytesPerImage = (m: Pick<DatasetManifest, 'width' | 'height' | 'channels'>): number =>
  m.width * m.height * m.channels;

/**
 * Opens the dataset of the project in `projectDir`, checking that the manifest is one this version reads
 * and that both data files have exactly the size the manifest implies. While another process is
 * replacing the dataset (or after one was killed doing so) the previous dataset is read.
 */
export async function openDataset(projectDir: string): Promise<Dataset> {
  const dir = await readableDir(projectLayout(projectDir).datasetDir);
  const manifest = await readManifest(projectDir);
  if (!manifest) {
    throw new Error(`No dataset in ${projectDir}: dataset/manifest.json not found. Import a folder or a built-in dataset first.`);
  }

  const imageBytes = manifest.count * bytesPerImage(manifest);
  const images = await readExactly(join(dir, IMAGES), 'dataset/images.u8', imageBytes,
    `${manifest.count} images of ${manifest.width}x${manifest.height}x${manifest.channels}`);
  const labels = await readExactly(join(dir, LABELS), 'dataset/labels.u8', manifest.count, `${manifest.count} labels`);
  const classCount = Math.max(1, manifest.classes.length);
  const bad = labels.findIndex((label) => label >= classCount);
  if (bad >= 0) {
    throw new Error(
      `dataset/labels.u8 gives image ${bad} the label ${labels[bad]}, but the manifest lists ${manifest.classes.length} classes; import the dataset again.`,
    );
  }
  return { manifest, images, labels };
}

async function readExactly(path: string, name: string, expected: number, what: string): Promise<Uint8Array> {
  const size = await stat(path).then(
    (info) => info.size,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new Error(`${name} is missing; import the dataset again.`);
      throw error;
    },
  );
  if (size < expected) {
    throw new Error(`${name} is truncated: it holds ${size} bytes, but ${what} need ${expected}. Import the dataset again.`);
  }
  if (size > expected) {
    throw new Error(`${name} is larger than its manifest says: ${size} bytes, but ${what} need ${expected}. Import the dataset again.`);
  }
  // Read in chunks into one array: fs.readFile refuses files over 2 GiB, and a large dataset can be bigger.
  const bytes = new Uint8Array(expected);
  const handle = await open(path, 'r');
  try {
    let offset = 0;
    while (offset < expected) {
      const { bytesRead } = await handle.read(bytes, offset, Math.min(IO_CHUNK, expected - offset), offset);
      if (bytesRead === 0) throw new Error(`${name} is truncated: it ended at byte ${offset} of ${expected} while being read.`);
      offset += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return bytes;
}

/**
 * Builds a dataset in a staging folder beside `dataset/`, one image at a time, and swaps it in on publish.
 * Until then the project's current dataset (if any) is untouched, and discard() leaves no trace. The
 * project's writer lock is held from creation to publish or discard: a second writer is refused.
 */
export interface DatasetWriter {
  /** Images appended so far. */
  readonly count: number;
  /** Appends one image of exactly `imageBytes` bytes. */
  append(pixels: Uint8Array): Promise<void>;
  /** Writes labels and manifest, makes it all durable, and replaces the project's dataset. */
  publish(manifest: DatasetManifest, labels: Uint8Array): Promise<DatasetManifest>;
  /** Removes the staging folder; the project's dataset stays as it was. */
  discard(): Promise<void>;
}

export async function createDatasetWriter(projectDir: string, imageBytes: number): Promise<DatasetWriter> {
  if (!Number.isInteger(imageBytes) || imageBytes < 1) throw new Error(`Invalid image size of ${imageBytes} bytes.`);
  const finalDir = projectLayout(projectDir).datasetDir;
  const lock = await lockProject(projectDir, 'importing a dataset');
  let staging: string;
  let images: FileHandle;
  try {
    await tidyProject(projectDir);
    staging = await makeStagingDir(finalDir);
  } catch (error) {
    await lock.release();
    throw error;
  }
  try {
    images = await open(join(staging, IMAGES), 'w');
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    await lock.release();
    throw diskFull(error);
  }
  // Images are copied into one chunk and written when it is full, so the caller may reuse its buffer at once.
  const chunk = new Uint8Array(Math.max(1, Math.floor(FLUSH_BYTES / imageBytes)) * imageBytes);
  let filled = 0;
  let count = 0;
  let closed = false;

  const flush = async (): Promise<void> => {
    if (filled === 0) return;
    await writeAll(images, chunk.subarray(0, filled));
    filled = 0;
  };
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await images.close();
  };
  const discard = async (): Promise<void> => {
    await close().catch(() => undefined);
    await rm(staging, { recursive: true, force: true });
    await lock.release();
  };

  return {
    get count() {
      return count;
    },
    async append(pixels) {
      if (pixels.byteLength !== imageBytes) {
        throw new Error(`Image ${count} has ${pixels.byteLength} bytes; every image of this dataset must have ${imageBytes}.`);
      }
      chunk.set(pixels, filled);
      filled += pixels.byteLength;
      count++;
      if (filled === chunk.byteLength) await flush().catch((error: unknown) => Promise.reject(diskFull(error)));
    },
    async publish(manifest, labels) {
      try {
        const checked = parseManifest(manifest);
        if (checked.count !== count) throw new Error(`Manifest says ${checked.count} images, but ${count} were written.`);
        if (bytesPerImage(checked) !== imageBytes) throw new Error(`Manifest's image size does not match the ${imageBytes} bytes per image written.`);
        if (labels.byteLength !== count) throw new Error(`${labels.byteLength} labels given for ${count} images.`);
        await flush();
        await images.sync();
        await close();
        await writeSynced(join(staging, LABELS), labels);
        await writeSynced(join(staging, MANIFEST), JSON.stringify(checked, null, 2) + '\n');
        await syncDir(staging);
        faultPoint('dataset:written');
        await publishDirAtomic(staging, finalDir);
        await lock.release();
        return checked;
      } catch (error) {
        await discard();
        throw diskFull(error);
      }
    },
    discard,
  };
}

/** Writes a whole dataset held in memory (tests, small built-ins) the same atomic way an import does. */
export async function writeDataset(
  projectDir: string,
  manifest: DatasetManifest,
  images: Uint8Array,
  labels: Uint8Array,
): Promise<DatasetManifest> {
  const size = bytesPerImage(manifest);
  if (images.byteLength !== manifest.count * size) {
    throw new Error(`${images.byteLength} image bytes given for ${manifest.count} images of ${size} bytes.`);
  }
  const writer = await createDatasetWriter(projectDir, size);
  try {
    for (let i = 0; i < manifest.count; i++) await writer.append(images.subarray(i * size, (i + 1) * size));
  } catch (error) {
    await writer.discard();
    throw error;
  }
  return writer.publish(manifest, labels);
}

async function writeAll(handle: FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.byteLength) {
    const { bytesWritten } = await handle.write(data, offset, Math.min(IO_CHUNK, data.byteLength - offset));
    offset += bytesWritten;
  }
}

async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A full disk while writing a dataset, said in words. */
function diskFull(error: unknown): unknown {
  if (!isDiskFull(error)) return error;
  return new Error(diskFullMessage('the new dataset could not be written', 'The previous dataset is kept, unchanged', 'import again'), { cause: error });
}
