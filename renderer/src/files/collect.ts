// What the user picked or dropped, as upload items: every folder and file relative to the target folder,
// folders before their contents, each path once. Folders come whole from a drop (walking the entries,
// every batch of readEntries) or from an "Upload folder" picker (webkitRelativePath).
import type { TarItem } from './tar';

export interface UploadItem extends TarItem {
  size: number;
}

class ItemList {
  readonly items: UploadItem[] = [];
  private readonly seen = new Set<string>();

  private folder(path: string, mtimeMs: number): void {
    if (this.seen.has(path)) return;
    this.seen.add(path);
    this.items.push({ path, kind: 'folder', body: null, size: 0, mtimeMs });
  }

  /** Adds a folder (and its parents first). */
  addFolder(path: string): void {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) this.folder(parts.slice(0, i).join('/'), Date.now());
  }

  addFile(path: string, file: File): void {
    const parts = path.split('/').filter(Boolean);
    if (parts.length === 0) return;
    if (parts.length > 1) this.addFolder(parts.slice(0, -1).join('/'));
    const clean = parts.join('/');
    if (this.seen.has(clean)) return;
    this.seen.add(clean);
    this.items.push({ path: clean, kind: 'file', body: file, size: file.size, mtimeMs: file.lastModified || Date.now() });
  }
}

/** Files from an <input type=file> (with webkitdirectory, each carries its path under the picked folder). */
export function itemsFromFileList(files: Iterable<File>): UploadItem[] {
  const list = new ItemList();
  for (const f of files) list.addFile(f.webkitRelativePath || f.name, f);
  return list.items;
}

const readBatch = (reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> =>
  new Promise((resolve, reject) => reader.readEntries(resolve, reject));

const fileOf = (entry: FileSystemFileEntry): Promise<File> => new Promise((resolve, reject) => entry.file(resolve, reject));

async function walk(entry: FileSystemEntry, at: string, list: ItemList): Promise<void> {
  if (entry.isFile) {
    list.addFile(at, await fileOf(entry as FileSystemFileEntry));
  } else if (entry.isDirectory) {
    list.addFolder(at);
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries hands out a folder's entries in batches (100 at a time in Chromium) until an empty one.
    for (let batch = await readBatch(reader); batch.length > 0; batch = await readBatch(reader)) {
      for (const child of batch) await walk(child, `${at}/${child.name}`, list);
    }
  }
}

/**
 * Takes what a drop carries. Must be called during the drop event (the items are gone after it);
 * the walk through folders continues afterwards.
 */
export function itemsFromDrop(data: DataTransfer): Promise<UploadItem[]> {
  const sources: ({ entry: FileSystemEntry } | { file: File })[] = [];
  for (const item of [...data.items]) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.() ?? null;
    const file = item.getAsFile();
    if (entry) sources.push({ entry });
    else if (file) sources.push({ file });
  }
  if (sources.length === 0) for (const file of [...data.files]) sources.push({ file });
  return (async () => {
    const list = new ItemList();
    for (const s of sources) {
      if ('entry' in s) await walk(s.entry, s.entry.name, list);
      else list.addFile(s.file.name, s.file);
    }
    return list.items;
  })();
}

/** True when a drag carries files (not text or a link from the page). */
export const dragHasFiles = (data: DataTransfer | null): boolean => !!data && [...data.types].includes('Files');
