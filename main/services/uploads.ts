import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { checkUploadPath, MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES, MAX_UPLOAD_IMAGE_BYTES, uploadIdSchema, uploadKind } from '../../shared/upload.js';

/** Uploads nobody imported (a closed tab, a lost connection) are removed after this long. */
const STALE_MS = 24 * 60 * 60 * 1000;

/** A refusal with the HTTP status the upload route answers with. */
export class UploadRefused extends Error {
  constructor(
    readonly status: 400 | 404 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

interface Session {
  bytes: number;
  files: number;
}

/**
 * Web mode's uploads: the files a browser sends (pictures, or zip archives of them) land in
 * <root>/<upload id>/uploaded pictures/ under the paths the window gave, within the limits of shared/upload.ts;
 * `prepare` unpacks the archives and names the folder to import, `discard` removes it all.
 */
export class Uploads {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly root: string,
    /** The limits of shared/upload.ts, smaller in tests. */
    private readonly limits = { imageBytes: MAX_UPLOAD_IMAGE_BYTES, totalBytes: MAX_UPLOAD_BYTES },
  ) {}

  /** Streams one file to disk, counting bytes as they come: a body longer than allowed is cut off and removed. */
  async receive(id: string, path: string, body: Readable, declaredBytes?: number): Promise<{ bytes: number }> {
    if (!uploadIdSchema.safeParse(id).success) throw new UploadRefused(400, 'The upload id is not one the window makes.');
    const checked = checkUploadPath(path);
    if (!checked.ok) throw new UploadRefused(415, checked.reason);
    const session = this.sessions.get(id) ?? { bytes: 0, files: 0 };
    const perFile = uploadKind(path) === 'archive' ? this.limits.totalBytes : this.limits.imageBytes;
    const limit = Math.min(perFile, this.limits.totalBytes - session.bytes);
    if (session.files >= MAX_UPLOAD_FILES) throw new UploadRefused(413, `An upload holds at most ${MAX_UPLOAD_FILES.toLocaleString('en-US')} files.`);
    if (declaredBytes !== undefined && declaredBytes > limit) throw new UploadRefused(413, tooLarge(path, declaredBytes, limit));
    this.sessions.set(id, session);

    const target = join(this.filesDir(id), ...checked.segments);
    const partial = `${target}.part`;
    await mkdir(dirname(target), { recursive: true });
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > limit) return done(new UploadRefused(413, tooLarge(path, bytes, limit)));
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, counter, createWriteStream(partial));
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    session.bytes += bytes;
    session.files += 1;
    return { bytes };
  }

  /** Unpacks every archive of the upload and returns the folder to import (the one folder it holds, when it holds only that). */
  async prepare(id: string): Promise<string> {
    if (!uploadIdSchema.safeParse(id).success) throw new Error('The upload id is not one the window makes.');
    const files = this.filesDir(id);
    if (!(await stat(files).catch(() => null))) throw new Error('Nothing arrived for this upload: drop the pictures again.');
    const budget = { bytes: MAX_UPLOAD_BYTES, files: MAX_UPLOAD_FILES };
    for (const archive of await findArchives(files)) {
      await unpack(archive, join(dirname(archive), basename(archive).replace(/\.zip$/i, '')), budget);
      await rm(archive);
    }
    let folder = files;
    // A zip of a folder unpacks to that folder: its subfolders, not the folder itself, are the classes.
    for (let depth = 0; depth < 4; depth++) {
      const entries = (await readdir(folder, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
      if (entries.length !== 1 || !entries[0].isDirectory()) break;
      folder = join(folder, entries[0].name);
    }
    return folder;
  }

  async discard(id: string): Promise<void> {
    this.sessions.delete(id);
    if (uploadIdSchema.safeParse(id).success) await rm(join(this.root, id), { recursive: true, force: true });
  }

  /** Removes uploads left behind by earlier sessions. */
  async sweep(now = Date.now()): Promise<void> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const info = await stat(join(this.root, entry.name)).catch(() => null);
      if (info && now - info.mtimeMs > STALE_MS) await rm(join(this.root, entry.name), { recursive: true, force: true });
    }
  }

  private filesDir(id: string): string {
    return join(this.root, id, 'uploaded pictures');
  }
}

const tooLarge = (path: string, bytes: number, limit: number) =>
  `${basename(path)} is ${megabytes(bytes)} MB, over the ${megabytes(limit)} MB this upload still allows (pictures up to ${megabytes(MAX_UPLOAD_IMAGE_BYTES)} MB each, ${megabytes(MAX_UPLOAD_BYTES)} MB in all).`;
const megabytes = (bytes: number) => Math.ceil(bytes / (1024 * 1024)).toLocaleString('en-US');

async function findArchives(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && uploadKind(entry.name) === 'archive') found.push(join(entry.parentPath, entry.name));
  }
  return found;
}

/**
 * Unpacks the pictures of a zip into `into`. Entry names are checked like uploaded paths (no
 * climbing out, no hidden files such as __MACOSX's); other files are left out; the sizes the
 * archive declares are held to the upload's limits before anything is written, and yauzl checks
 * each entry's real size against its declared one while it inflates.
 */
async function unpack(archive: string, into: string, budget: { bytes: number; files: number }): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(archive, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (error, opened) => (error ? reject(damaged(archive, error)) : resolve(opened))),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (error: Error) => reject(damaged(archive, error)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        void extract(entry).then(
          () => zip.readEntry(),
          (error: unknown) => reject(error),
        );
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }

  async function extract(entry: yauzl.Entry): Promise<void> {
    if (entry.fileName.endsWith('/')) return;
    const checked = checkUploadPath(entry.fileName);
    if (!checked.ok || uploadKind(entry.fileName) !== 'image') return;
    if (entry.uncompressedSize > MAX_UPLOAD_IMAGE_BYTES) throw new Error(`${basename(archive)}: ${entry.fileName} unpacks to ${megabytes(entry.uncompressedSize)} MB, over the ${megabytes(MAX_UPLOAD_IMAGE_BYTES)} MB a picture may be.`);
    budget.bytes -= entry.uncompressedSize;
    budget.files -= 1;
    if (budget.bytes < 0) throw new Error(`${basename(archive)} unpacks to more than the ${megabytes(MAX_UPLOAD_BYTES)} MB an upload may hold.`);
    if (budget.files < 0) throw new Error(`${basename(archive)} holds more than the ${MAX_UPLOAD_FILES.toLocaleString('en-US')} files an upload may hold.`);
    const target = join(into, ...checked.segments);
    await mkdir(dirname(target), { recursive: true });
    const stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (error, opened) => (error ? reject(damaged(archive, error)) : resolve(opened))));
    await pipeline(stream, createWriteStream(target));
  }
}

const damaged = (archive: string, error: Error) => new Error(`${basename(archive)} is not a readable zip archive: ${error.message}`);
