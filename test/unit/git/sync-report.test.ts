import { describe, expect, it } from 'vitest';
import { CourseSyncReport, describeSync } from '../../../electron/core/git/sync-report';

const base = {
  outcome: 'synced' as const,
  commit: 'abc',
  previousCommit: 'def',
  added: [],
  updated: [],
  merged: [],
  kept: [],
  renamed: [],
  restored: [],
  removed: [],
  backup: null,
  snapshot: null,
  notebookProblems: [],
};

describe('sync report in plain words', () => {
  it('says everything is up to date when nothing happened', () => {
    expect(describeSync({ ...base, outcome: 'up-to-date' })).toEqual(['Everything is up to date.']);
  });

  it('names every kind of change', () => {
    const text = describeSync({
      ...base,
      added: ['new.py'],
      updated: ['a.py', 'b.py'],
      merged: ['c.py'],
      kept: [
        { path: 'nb.ipynb', instructorCopy: 'nb (instructor).ipynb', reason: 'both-changed-notebook' },
        { path: 'old.txt', instructorCopy: null, reason: 'removed-by-instructor' },
      ],
      renamed: [{ from: 'data.csv', to: 'data (yours).csv' }],
      restored: ['d.md'],
      removed: ['e.md'],
      notebookProblems: [{ path: 'bad.ipynb', origin: 'instructor', problem: 'not valid JSON' }],
    }).join('\n');
    expect(text).toContain('New from your instructor (1 file): new.py.');
    expect(text).toContain('Updated by your instructor (2 files): a.py, b.py.');
    expect(text).toContain('where you both changed the same lines, yours were kept');
    expect(text).toContain("yours stays as it is, your instructor's version is in nb (instructor).ipynb");
    expect(text).toContain('Your instructor removed old.txt; your edited copy stays.');
    expect(text).toContain('it is now data (yours).csv');
    expect(text).toContain('Brought back (you had deleted it): d.md.');
    expect(text).toContain('Removed by your instructor (1 file): e.md.');
    expect(text).toContain('it came that way from your instructor');
  });

  it('tells where the backup is after a fresh copy, and shortens long lists', () => {
    const text = describeSync({ ...base, outcome: 'fresh-copy', backup: 'course-backup-2024-05-01-1430', updated: ['1', '2', '3', '4', '5', '6', '7'] });
    expect(text[0]).toContain('"course-backup-2024-05-01-1430"');
    expect(text[1]).toContain('1, 2, 3, 4, 5 and 2 more');
  });

  it('has a schema that accepts a full report and refuses a partial one', () => {
    expect(CourseSyncReport.parse({ ...base, summary: ['x'] }).commit).toBe('abc');
    expect(() => CourseSyncReport.parse({ ...base })).toThrow();
  });
});
