import { describe, expect, it } from 'vitest';
import { backupFolderName, instructorNames, restoredFolderName, taggedName, yoursNames } from '../../../electron/core/git/sync-names';
import { isSafeWorkspacePath } from '../../../electron/core/workspace/paths';

describe('names for files kept side by side', () => {
  it.each([
    ['data.csv', 'data (yours).csv'],
    ['week 1/data.csv', 'week 1/data (yours).csv'],
    ['Makefile', 'Makefile (yours)'],
    ['.env', '.env (yours)'],
    ['archive.tar.gz', 'archive.tar (yours).gz'],
  ])('%s → %s', (from, to) => {
    expect(yoursNames(from).next().value).toBe(to);
    expect(isSafeWorkspacePath(to, { host: 'win32' })).toBe(true);
  });

  it('numbers later candidates, and keeps folder names whole', () => {
    const names = yoursNames('a/data.csv');
    expect([names.next().value, names.next().value, names.next().value]).toEqual(['a/data (yours).csv', 'a/data (yours 2).csv', 'a/data (yours 3).csv']);
    expect(taggedName('results.v1', 'yours', 1, true)).toBe('results.v1 (yours)');
    expect(instructorNames('nb/lesson.ipynb').next().value).toBe('nb/lesson (instructor).ipynb');
  });

  it('dates backups in local time', () => {
    const when = new Date(2024, 0, 5, 9, 7);
    expect(backupFolderName('course', when)).toBe('course-backup-2024-01-05-0907');
    expect(backupFolderName('labs/course', when, 2)).toBe('course-backup-2024-01-05-0907-2');
    expect(restoredFolderName('labs/course', when)).toBe('course-restored-2024-01-05-0907');
  });
});
