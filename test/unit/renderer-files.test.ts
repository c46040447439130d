// The Files panel's pure parts: what a picked folder becomes as upload items, the sort order, names a
// user may type, and sizes in words.
import { describe, expect, it } from 'vitest';
import type { FileEntry } from '../../electron/api/contract';
import { itemsFromFileList } from '../../renderer/src/files/uploadItems';
import { folderPathProblem, formatBytes, formatMiB, nameProblem, normalizeFolderPath } from '../../renderer/src/files/format';
import { nextSort, sortEntries } from '../../renderer/src/files/sort';

const picked = (relative: string, text = 'x'): File => {
  const f = new File([text], relative.split('/').pop()!, { lastModified: 1_700_000_000_000 });
  Object.defineProperty(f, 'webkitRelativePath', { value: relative });
  return f;
};

describe('upload items from a picker', () => {
  it('lists every folder once, before its contents, with the files in order', () => {
    const items = itemsFromFileList([picked('course/data/a.csv'), picked('course/b.txt'), picked('course/data/c.csv'), picked('course/b.txt')]);
    expect(items.map((i) => `${i.kind}:${i.path}`)).toEqual([
      'folder:course',
      'folder:course/data',
      'file:course/data/a.csv',
      'file:course/b.txt',
      'file:course/data/c.csv',
    ]);
    expect(items.find((i) => i.path === 'course/b.txt')).toMatchObject({ size: 1, mtimeMs: 1_700_000_000_000 });
  });

  it('takes plain files (no folder) by their names', () => {
    const f = new File(['abc'], 'notes.txt');
    expect(itemsFromFileList([f]).map((i) => [i.kind, i.path, i.size])).toEqual([['file', 'notes.txt', 3]]);
  });
});

const entry = (name: string, kind: FileEntry['kind'], size: number, modifiedMs: number): FileEntry => ({ name, kind, size, modifiedMs, linkTarget: null });

describe('sorting the list', () => {
  const list = [
    entry('b.txt', 'file', 10, 3),
    entry('Zeta', 'folder', 0, 1),
    entry('a10.csv', 'file', 30, 2),
    entry('a2.csv', 'file', 20, 1),
    entry('alpha', 'folder', 5, 9),
  ];

  it('keeps folders first and compares names naturally', () => {
    expect(sortEntries(list, { key: 'name', direction: 'ascending' }).map((e) => e.name)).toEqual(['alpha', 'Zeta', 'a2.csv', 'a10.csv', 'b.txt']);
    expect(sortEntries(list, { key: 'name', direction: 'descending' }).map((e) => e.name)).toEqual(['Zeta', 'alpha', 'b.txt', 'a10.csv', 'a2.csv']);
  });

  it('sorts by size and by time, newest and biggest first on the first click', () => {
    const bySize = nextSort({ key: 'name', direction: 'ascending' }, 'size');
    expect(bySize).toEqual({ key: 'size', direction: 'descending' });
    expect(sortEntries(list, bySize).map((e) => e.name)).toEqual(['alpha', 'Zeta', 'a10.csv', 'a2.csv', 'b.txt']);
    expect(sortEntries(list, { key: 'modified', direction: 'ascending' }).map((e) => e.name)).toEqual(['Zeta', 'alpha', 'a2.csv', 'a10.csv', 'b.txt']);
    expect(nextSort(bySize, 'size')).toEqual({ key: 'size', direction: 'ascending' });
  });
});

describe('names and sizes', () => {
  it.each([
    ['', 'Type a name.'],
    [' x', 'A name cannot start or end with a space.'],
    ['..', '".." cannot be used as a name.'],
    ['a/b', 'A name cannot contain / or \\.'],
    ['tab\there', 'A name cannot contain control characters.'],
    ['é'.repeat(128), 'That name is too long (at most 255 bytes).'],
  ])('refuses %j', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });

  it('accepts odd but valid names', () => {
    for (const name of ['-leading dash', 'données 漢字.ipynb', 'a (2).txt', '.hidden']) expect(nameProblem(name)).toBeNull();
  });

  it('reads a destination folder path, "/" being the top', () => {
    expect(normalizeFolderPath('/data//sets/')).toBe('data/sets');
    expect(normalizeFolderPath('/')).toBe('');
    expect(folderPathProblem('/data/../x')).toBe('".." cannot be used as a name.');
    expect(folderPathProblem('/data sets/2024')).toBeNull();
  });

  it('says sizes in file-manager units', () => {
    expect([0, 273, 1000, 1234, 3_145_728, 2e9].map(formatBytes)).toEqual(['0 B', '273 B', '1.0 KB', '1.2 KB', '3.1 MB', '2.0 GB']);
    expect([512, 2048, 1536].map(formatMiB)).toEqual(['512 MiB', '2 GiB', '1.5 GiB']);
  });
});
