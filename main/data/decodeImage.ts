import { open } from 'node:fs/promises';
import sharp from 'sharp';
import type { ChannelMode, FitMode } from '../../shared/dataset.js';
import { describeFsError } from './scanFolder.js';

/**
 * Larger images are refused: 100 megapixels is above any camera a person is likely to own, and a header
 * claiming more is far more often a damaged or hostile file than a photo (decoding it could take gigabytes).
 */
export const MAX_PIXELS = 100_000_000;
/** Files are read whole; a single image file larger than this is not a training picture. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

export interface DecodeOptions {
  size: number;
  channels: ChannelMode;
  fit: FitMode;
  /** Transparent parts are laid on this colour (#rrggbb). */
  background: string;
}

/** `transparent`: the image had see-through pixels, now laid on the background colour. */
export type Decoded = { ok: true; pixels: Uint8Array; transparent: boolean } | { ok: false; reason: string };

const sharpFit = { crop: 'cover', pad: 'contain', stretch: 'fill' } as const;
/** Padding becomes black: the value a GAN's [-1, 1] scaling maps to -1. */
const black = { r: 0, g: 0, b: 0, alpha: 1 };

/**
 * Reads one file and returns it as `size` x `size` x C bytes (row-major HWC), or the reason it cannot be used.
 * Never throws for a bad file: one bad file must not stop an import.
 */
export async function decodeImage(path: string, options: DecodeOptions): Promise<Decoded> {
  const read = await readWhole(path);
  if (!read.ok) return read;
  const bytes = read.bytes;

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

async function readWhole(path: string): Promise<{ ok: true; bytes: Buffer } | { ok: false; reason: string }> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return { ok: false, reason: `could not be opened: ${describeFsError(error as NodeJS.ErrnoException)}` };
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return { ok: false, reason: 'empty file (0 bytes)' };
    if (size > MAX_FILE_BYTES) {
      return { ok: false, reason: `file is ${megabytes(size)} MB, over the ${megabytes(MAX_FILE_BYTES)} MB limit for one image` };
    }
    return { ok: true, bytes: await handle.readFile() };
  } catch (error) {
    return { ok: false, reason: `could not be read: ${describeFsError(error as NodeJS.ErrnoException)}` };
  } finally {
    await handle.close();
  }
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
