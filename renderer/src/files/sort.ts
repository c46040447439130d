import type { FileEntry } from '../../../electron/api/contract';

export type SortKey = 'name' | 'size' | 'modified';
export interface Sort {
  key: SortKey;
  direction: 'ascending' | 'descending';
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Folders first, then by the column, ties broken by name. */
export function sortEntries(entries: readonly FileEntry[], sort: Sort): FileEntry[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const byName = (a: FileEntry, b: FileEntry): number => collator.compare(a.name, b.name);
  return [...entries].sort((a, b) => {
    const folders = Number(b.kind === 'folder') - Number(a.kind === 'folder');
    if (folders !== 0) return folders;
    const primary = sort.key === 'size' ? a.size - b.size : sort.key === 'modified' ? a.modifiedMs - b.modifiedMs : byName(a, b);
    return primary !== 0 ? sign * primary : byName(a, b);
  });
}

/** Clicking a column's header: sort by it, or turn its direction round when it already sorts. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  return { key, direction: key === 'name' ? 'ascending' : 'descending' };
}
