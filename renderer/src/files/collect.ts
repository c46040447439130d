// What the user dropped, as upload items: files and whole folders (walking the entries, every batch of
// readEntries), folders before their contents.
import { ItemList, type UploadItem } from './uploadItems';

const readBatch = (reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> => new Promise((resolve, reject) => reader.readEntries(resolve, reject));

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
