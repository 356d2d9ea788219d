import { isUtf8 } from 'node:buffer';
import { readdir, stat } from 'node:fs/promises';
import { basename, resolve, sep } from 'node:path';
import type { SkippedFile } from '../../shared/dataset.js';

/** Labels are stored as one byte per image. */
export const MAX_CLASSES = 255;

export interface FoundFile {
  /** Absolute path, for reading: bytes where a name is not valid UTF-8 (Linux allows any bytes but / in a name). */
  path: string | Buffer;
  /** Path relative to the scanned folder with `/` separators, as the manifest and messages show it. */
  relative: string;
  /** Index into `classes`; 0 when the folder is unlabelled. */
  label: number;
}

export interface FolderScan {
  /** Class names sorted by name; empty for a flat (unlabelled) folder. */
  classes: string[];
  /** Files to decode, sorted by path so the dataset's order does not depend on the filesystem. */
  files: FoundFile[];
  /** Entries skipped before any decoding, with the reason. */
  skipped: SkippedFile[];
}

interface Entry {
  path: string | Buffer;
  segments: string[];
}

/**
 * Lists every file under `folder` and gives each its class, following the ImageFolder convention:
 * the first subfolder under `folder` names the class, however deep the file lies below it.
 *
 * - Names starting with a dot (files and folders) are ignored without a word: they are the system's
 *   (.DS_Store, .thumbnails) or the user's hidden ones, never training images.
 * - When some subfolder holds files, the folder is labelled, and files lying directly in `folder` belong
 *   to no class: they are skipped with a reason that says so, rather than guessed into a class.
 * - Symbolic links to files are followed; links to folders are not (they can loop), and are listed.
 * - Folders in `exclude` are passed over: a project kept inside the folder it imports must not import its own
 *   dataset and sample grids.
 * - Names are read as bytes, so a name that is not valid UTF-8 is still opened (and shown with U+FFFD in
 *   place of the bytes that cannot be shown).
 */
export async function scanFolder(folder: string, exclude: string[] = []): Promise<FolderScan> {
  const rootInfo = await stat(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new Error(`Folder not found: ${folder}`);
    throw new Error(`Cannot open folder ${folder}: ${describeFsError(error)}`);
  });
  if (!rootInfo.isDirectory()) throw new Error(`Not a folder: ${folder}`);

  const found: Entry[] = [];
  const skipped: SkippedFile[] = [];
  await walk({ root: folder, exclude: new Set(exclude.map((path) => resolve(path))), found, skipped }, Buffer.from(folder), [], true);

  found.sort((a, b) => compareSegments(a.segments, b.segments));
  const classNames = [...new Set(found.filter((f) => f.segments.length > 1).map((f) => f.segments[0]))].sort(compareNames);
  if (classNames.length > MAX_CLASSES) {
    throw new Error(
      `${folder} has ${classNames.length} subfolders with files, so ${classNames.length} classes; ` +
        `at most ${MAX_CLASSES} classes are supported (each label is stored in one byte).`,
    );
  }
  const labelled = classNames.length > 0;
  const labelOf = new Map(classNames.map((name, index) => [name, index]));

  const files: FoundFile[] = [];
  for (const entry of found) {
    const rel = entry.segments.join('/');
    if (labelled && entry.segments.length === 1) {
      skipped.push({ path: rel, reason: 'lies directly in the imported folder, outside any class subfolder' });
      continue;
    }
    files.push({ path: entry.path, relative: rel, label: labelled ? labelOf.get(entry.segments[0])! : 0 });
  }
  skipped.sort((a, b) => compareNames(a.path, b.path));
  return { classes: classNames, files, skipped };
}

interface Walk {
  root: string;
  exclude: Set<string>;
  found: Entry[];
  skipped: SkippedFile[];
}

async function walk(state: Walk, dir: Buffer, parents: string[], isRoot: boolean): Promise<void> {
  const { root, found, skipped } = state;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    const reason = `folder could not be read: ${describeFsError(error as NodeJS.ErrnoException)}`;
    if (isRoot) throw new Error(`Cannot read folder ${root}: ${reason}`);
    skipped.push({ path: parents.join('/'), reason });
    return;
  }
  for (const entry of entries) {
    const name = entry.name as unknown as Buffer;
    if (name[0] === 0x2e) continue; // '.'
    const bytes = Buffer.concat([dir, SEP, name]);
    // Plain strings wherever the bytes are valid UTF-8, as every other path in the app is.
    const path = isUtf8(bytes) ? bytes.toString('utf8') : bytes;
    const segments = [...parents, name.toString('utf8')];
    const relativePath = segments.join('/');
    if (entry.isDirectory()) {
      if (!state.exclude.has(resolve(bytes.toString('utf8')))) await walk(state, bytes, segments, false);
    } else if (entry.isFile()) {
      found.push({ path, segments });
    } else if (entry.isSymbolicLink()) {
      const target = await stat(path).catch((error: NodeJS.ErrnoException) => error);
      if (target instanceof Error) skipped.push({ path: relativePath, reason: target.code === 'ELOOP' ? 'symbolic link that loops' : 'broken symbolic link' });
      else if (target.isFile()) found.push({ path, segments });
      else if (target.isDirectory()) skipped.push({ path: relativePath, reason: 'symbolic link to a folder (not followed)' });
      else skipped.push({ path: relativePath, reason: 'symbolic link to something that is not a regular file (a pipe, socket or device)' });
    } else {
      // Pipes, sockets and devices: reading one could block forever or never end.
      skipped.push({ path: relativePath, reason: 'not a regular file (a pipe, socket or device)' });
    }
  }
}

const SEP = Buffer.from(sep);

/** Plain code-unit order: the same on every machine and locale, unlike localeCompare. */
export const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Compares paths folder by folder, so `a/x` sorts with `a/y` and not between `a b/x` and `a-b/x`. */
function compareSegments(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareNames(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

export function describeFsError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'no longer exists';
    case 'EISDIR':
      return 'is a folder';
    case 'EIO':
      return 'input/output error from the disk';
    default:
      return error.code ? `${error.code} (${error.message})` : error.message;
  }
}

/** The name a dataset imported from `folder` gets by default. */
export const folderName = (folder: string): string => basename(folder) || folder;
