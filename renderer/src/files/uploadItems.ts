// What the user picked, as upload items: every folder and file relative to the target folder, folders
// before their contents, each path once. Pure (no DOM types): the drop side is in collect.ts.
import type { TarItem } from './tar';

export interface UploadItem extends TarItem {
  size: number;
}

/** A picked file: a Blob with a name (and, from a folder picker, its path under the picked folder). */
export type PickedFile = Blob & { name: string; lastModified: number; webkitRelativePath?: string };

export class ItemList {
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

  addFile(path: string, file: PickedFile): void {
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
export function itemsFromFileList(files: Iterable<PickedFile>): UploadItem[] {
  const list = new ItemList();
  for (const f of files) list.addFile(f.webkitRelativePath || f.name, f);
  return list.items;
}
