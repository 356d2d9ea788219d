import { checkUploadPath } from '../../../shared/upload.js';

export interface PickedFile {
  /** Where it goes in the upload, e.g. "faces/cats/1.png" (its folder names become classes). */
  path: string;
  file: File;
}

/**
 * The files of a drop or a file picker with their paths: a dropped folder is walked (its
 * subfolders keep their names), picked files keep the folder path the browser gives them.
 * Hidden files (.DS_Store) are passed over quietly; other files that are neither pictures nor zip
 * archives are returned in `refused` with the reason, so the window can say what it left out.
 */
export async function pickedFiles(source: DataTransfer | FileList): Promise<{ files: PickedFile[]; refused: string[] }> {
  const all: PickedFile[] = [];
  if ('items' in source) {
    // Entries first (webkitGetAsEntry must be called before any await, while the drop's data is readable).
    const items = [...source.items].filter((item) => item.kind === 'file').map((item) => ({ entry: item.webkitGetAsEntry(), file: item.getAsFile() }));
    for (const { entry, file } of items) {
      if (entry) await walk(entry, all);
      else if (file) all.push({ path: file.name, file });
    }
  } else {
    for (const file of source) all.push({ path: file.webkitRelativePath || file.name, file });
  }
  const files: PickedFile[] = [];
  const refused: string[] = [];
  for (const picked of all) {
    if (picked.path.split('/').some((part) => part.startsWith('.'))) continue;
    const checked = checkUploadPath(picked.path);
    if (checked.ok) files.push(picked);
    else refused.push(checked.reason);
  }
  return { files, refused };
}

async function walk(entry: FileSystemEntry, into: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    into.push({ path: entry.fullPath.replace(/^\/+/, ''), file });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries hands over a directory in batches (100 in Chromium) until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, into);
  }
}
