import { constants, type PathLike } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import sharp from 'sharp';
import type { ChannelMode, FitMode } from '../../shared/dataset.js';
import type { ByteBudget } from './byteBudget.js';
import { describeFsError } from './scanFolder.js';

/**
 * Larger images are refused: 100 megapixels is above any camera a person is likely to own, and a header
 * claiming more is far more often a damaged or hostile file than a photo (decoding it could take gigabytes).
 */
export const MAX_PIXELS = 100_000_000;
/** Files are read whole; a single image file larger than this is not a training picture, and is skipped. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
/** Read first to learn the image's size from its header, before the whole file is read. */
const HEADER_BYTES = 256 * 1024;
/** Bytes a decoded pixel may take in libvips while it resizes (RGBA, 8 bits). */
const DECODED_BYTES_PER_PIXEL = 4;
/**
 * Opening for reading never blocks: a FIFO (a file replaced by a pipe after the scan) would wait
 * forever for a writer. Regular files ignore the flag; Windows has no FIFOs and no such flag.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export interface DecodeOptions {
  size: number;
  channels: ChannelMode;
  fit: FitMode;
  /** Transparent parts are laid on this colour (#rrggbb). */
  background: string;
}

/** `transparent`: the image had see-through pixels, now laid on the background colour. */
export type Decoded = { ok: true; pixels: Uint8Array; transparent: boolean } | { ok: false; reason: string };

export interface DecodeLimits {
  /** Memory shared by the decodes in flight: the file's bytes and its decoded pixels are taken from it. */
  budget?: ByteBudget;
  signal?: AbortSignal;
}

const sharpFit = { crop: 'cover', pad: 'contain', stretch: 'fill' } as const;
/** Padding becomes black: the value a GAN's [-1, 1] scaling maps to -1. */
const black = { r: 0, g: 0, b: 0, alpha: 1 };

/**
 * Reads one file and returns it as `size` x `size` x C bytes (row-major HWC), or the reason it cannot be used.
 * Never throws for a bad file: one bad file must not stop an import (a cancel rejects with an AbortError).
 * Memory: the header says how large the image is; a pixel bomb is refused before the file is read, and
 * the file's bytes plus its decoded size wait for room in `limits.budget`.
 */
export async function decodeImage(path: PathLike, options: DecodeOptions, limits: DecodeLimits = {}): Promise<Decoded> {
  const opened = await openImageFile(path);
  if (!opened.ok) return opened;
  const { handle, size } = opened;
  try {
    const header = await readBytes(handle, Math.min(size, HEADER_BYTES));
    const meta = await sharp(header, { limitInputPixels: false }).metadata().catch(() => undefined);
    const pixels = meta?.width && meta.height ? meta.width * meta.height : 0;
    if (pixels > MAX_PIXELS) return { ok: false, reason: `image is too large (${meta!.width}x${meta!.height} pixels, over the ${MAX_PIXELS / 1e6}-megapixel limit)` };
    const release = limits.budget ? await limits.budget.take(size + pixels * DECODED_BYTES_PER_PIXEL, limits.signal) : () => {};
    try {
      return await decodeBytes(size <= header.length ? header : await readRest(handle, header, size), options);
    } finally {
      release();
    }
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    return { ok: false, reason: `could not be read: ${describeFsError(error as NodeJS.ErrnoException)}` };
  } finally {
    await handle.close();
  }
}

async function decodeBytes(bytes: Buffer, options: DecodeOptions): Promise<Decoded> {
  // failOn 'error' rejects truncated and undecodable data but accepts libjpeg's warnings
  // (e.g. "extraneous bytes before marker"), which many cameras and web images carry and which decode fine.
  const image = sharp(bytes, { failOn: 'error', limitInputPixels: MAX_PIXELS, autoOrient: true });
  try {
    // No separate metadata() call: the pixel limit is checked by sharp on the same pass, and the format
    // is only needed to explain a failure, where the file's first bytes tell it.
    const { data, info } = await image
      .resize({ width: options.size, height: options.size, fit: sharpFit[options.fit], position: 'centre', background: black })
      .flatten({ background: options.background })
      .toColourspace(options.channels === 'gray' ? 'b-w' : 'srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const channels = options.channels === 'gray' ? 1 : 3;
    if (info.width !== options.size || info.height !== options.size || info.channels !== channels) {
      return {
        ok: false,
        reason: `decoded to ${info.width}x${info.height}x${info.channels} instead of ${options.size}x${options.size}x${channels}`,
      };
    }
    return { ok: true, pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), transparent: await seeThrough(bytes) };
  } catch (error) {
    return { ok: false, reason: await explainDecodeError(bytes, sniffFormat(bytes), (error as Error).message) };
  }
}

/** Whether any pixel is less than opaque; only images with an alpha channel are decoded again to tell. */
async function seeThrough(bytes: Buffer): Promise<boolean> {
  const meta = await sharp(bytes, { limitInputPixels: MAX_PIXELS }).metadata();
  if (!meta.hasAlpha) return false;
  return !(await sharp(bytes, { limitInputPixels: MAX_PIXELS }).stats()).isOpaque;
}

/** Opens without blocking and checks, on the open file, that it is a regular file of a usable size. */
async function openImageFile(path: PathLike): Promise<{ ok: true; handle: FileHandle; size: number } | { ok: false; reason: string }> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    return { ok: false, reason: `could not be opened: ${describeFsError(error as NodeJS.ErrnoException)}` };
  }
  const fail = async (reason: string) => {
    await handle.close();
    return { ok: false as const, reason };
  };
  try {
    const info = await handle.stat();
    if (!info.isFile()) return await fail('not a regular file (a pipe, socket or device; it may have been replaced since the folder was scanned)');
    if (info.size === 0) return await fail('empty file (0 bytes)');
    if (info.size > MAX_FILE_BYTES) return await fail(`file is ${megabytes(info.size)} MB, over the ${megabytes(MAX_FILE_BYTES)} MB limit for one image`);
    return { ok: true, handle, size: info.size };
  } catch (error) {
    return fail(`could not be read: ${describeFsError(error as NodeJS.ErrnoException)}`);
  }
}

/** The first `length` bytes of the file (fewer if it has shrunk since it was measured). */
const readBytes = (handle: FileHandle, length: number): Promise<Buffer> => fill(handle, Buffer.allocUnsafe(length), 0);

/** The whole file in one buffer holding the header already read: the file's bytes are in memory once, not twice. */
function readRest(handle: FileHandle, header: Buffer, size: number): Promise<Buffer> {
  const bytes = Buffer.allocUnsafe(size);
  header.copy(bytes);
  return fill(handle, bytes, header.length);
}

async function fill(handle: FileHandle, bytes: Buffer, from: number): Promise<Buffer> {
  let filled = from;
  while (filled < bytes.length) {
    const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return bytes.subarray(0, filled);
}

/** Turns libvips' terse messages into a reason a person can act on. */
async function explainDecodeError(bytes: Buffer, format: string, message: string): Promise<string> {
  if (/unsupported image format/i.test(message)) return 'not an image (or in a format this build cannot decode)';
  if (/exceeds pixel limit/i.test(message)) {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata().catch(() => undefined);
    const dimensions = meta?.width && meta.height ? `${meta.width}x${meta.height} pixels, ` : '';
    return `image is too large (${dimensions}over the ${MAX_PIXELS / 1e6}-megapixel limit)`;
  }
  const kind = format ? `${formatName(format)} ` : '';
  if (/corrupt header/i.test(message)) return `damaged image: ${kind}header is corrupt`;
  const detail = message.split('\n')[0].trim();
  if (looksTruncated(bytes, format) || /premature end|truncated|unexpected end/i.test(message)) {
    return `truncated ${kind}file: it ends before the image data does (${detail})`;
  }
  return `damaged ${kind}image: ${detail}`;
}

/** Names the format from the first bytes: enough to explain a failure, including one in the header itself. */
function sniffFormat(bytes: Buffer): string {
  const ascii = (start: number, end: number): string => bytes.subarray(start, end).toString('latin1');
  if (bytes[0] === 0x89 && ascii(1, 4) === 'PNG') return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'tiff';
  if (ascii(4, 8) === 'ftyp') return 'heif';
  return '';
}

/** A PNG ends with its IEND chunk and a JPEG with the EOI marker; a file cut short has neither. */
function looksTruncated(bytes: Buffer, format: string): boolean {
  if (format === 'png') return bytes.length < 12 || bytes.subarray(bytes.length - 8, bytes.length - 4).toString('latin1') !== 'IEND';
  if (format === 'jpeg') return bytes.length < 2 || bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9;
  return false;
}

const formatName = (format: string): string => (format === 'heif' ? 'HEIF/AVIF' : format.toUpperCase());
const megabytes = (bytes: number): number => Math.round(bytes / (1024 * 1024));
