import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { BuiltinImages } from './builtinImages.js';

/** Where Debian's dataset-fashion-mnist package installs the files. */
export const DEBIAN_FASHION_DIR = '/usr/share/datasets/fashion-mnist';
/** Points at another folder holding the same four files (e.g. downloaded by hand on a system without apt). */
export const FASHION_DIR_ENV = 'GAN_STUDIO_FASHION_DIR';

/** Label order as published with Fashion-MNIST; kept so labels mean what every paper and tool means by them. */
export const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

const PARTS = ['train', 't10k'] as const;
const gunzipAsync = promisify(gunzip);

/**
 * Zalando's Fashion-MNIST (60,000 training + 10,000 test images, 28x28 gray), training images first.
 * The training set comes shuffled, so the first `count` images are a fair sample of all classes.
 */
export async function fashion(options: { count?: number; dir?: string } = {}): Promise<BuiltinImages> {
  const dir = options.dir ?? process.env[FASHION_DIR_ENV] ?? DEBIAN_FASHION_DIR;
  const parts = await Promise.all(PARTS.map((part) => readPart(dir, part)));
  const available = parts.reduce((sum, part) => sum + part.labels.length, 0);
  const count = Math.min(options.count ?? available, available);
  return {
    name: 'Fashion-MNIST',
    classes: [...FASHION_CLASSES],
    count,
    size: 28,
    channels: 1,
    *images() {
      let given = 0;
      for (const part of parts) {
        for (let i = 0; i < part.labels.length; i++) {
          if (given++ === count) return;
          yield { pixels: part.images.subarray(i * 784, (i + 1) * 784), label: part.labels[i] };
        }
      }
    },
  };
}

async function readPart(dir: string, part: (typeof PARTS)[number]): Promise<{ images: Uint8Array; labels: Uint8Array }> {
  const imagesFile = await findFile(dir, `${part}-images-idx3-ubyte`);
  const labelsFile = await findFile(dir, `${part}-labels-idx1-ubyte`);
  const images = readIdx(await readMaybeGzipped(imagesFile), imagesFile, 3);
  const labels = readIdx(await readMaybeGzipped(labelsFile), labelsFile, 1);
  if (images.dims[1] !== 28 || images.dims[2] !== 28) throw new Error(`${imagesFile} holds ${images.dims.join('x')} images, not 28x28.`);
  if (labels.dims[0] !== images.dims[0]) throw new Error(`${labelsFile} has ${labels.dims[0]} labels for ${images.dims[0]} images.`);
  const bad = labels.data.findIndex((label) => label >= FASHION_CLASSES.length);
  if (bad >= 0) throw new Error(`${labelsFile} has label ${labels.data[bad]} at ${bad}; Fashion-MNIST has 10 classes.`);
  return { images: images.data, labels: labels.data };
}

/** Debian ships the files gzipped; someone who unpacked them by hand may have the plain ones. */
async function findFile(dir: string, name: string): Promise<string> {
  for (const candidate of [join(dir, `${name}.gz`), join(dir, name)]) {
    if (await access(candidate).then(() => true, () => false)) return candidate;
  }
  throw new Error(
    `Fashion-MNIST is not installed: ${join(dir, `${name}.gz`)} was not found. ` +
      `On Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist (or set ${FASHION_DIR_ENV} to a folder holding the files).`,
  );
}

async function readMaybeGzipped(path: string): Promise<Buffer> {
  const bytes = await readFile(path);
  return path.endsWith('.gz') ? gunzipAsync(bytes) : bytes;
}

/** IDX: two zero bytes, a type byte (0x08 = unsigned byte), the number of dimensions, then each as a big-endian uint32. */
function readIdx(bytes: Buffer, path: string, dimensions: number): { dims: number[]; data: Uint8Array } {
  if (bytes.length < 4 + 4 * dimensions || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08 || bytes[3] !== dimensions) {
    throw new Error(`${path} is not an IDX file of ${dimensions}-dimensional unsigned bytes.`);
  }
  const dims = Array.from({ length: dimensions }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const start = 4 + 4 * dimensions;
  const length = dims.reduce((product, n) => product * n, 1);
  if (bytes.length - start < length) throw new Error(`${path} is truncated: ${bytes.length - start} of ${length} data bytes.`);
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + start, length) };
}
