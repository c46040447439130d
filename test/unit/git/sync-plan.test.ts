import { describe, expect, it } from 'vitest';
import { planPath, planSync, type TreeEntry, type WorkEntry } from '../../../electron/core/git/sync-plan';

const e = (oid: string): TreeEntry => ({ oid, mode: '100644' });
const file = (oid: string): WorkEntry => ({ kind: 'file', oid });
const missing: WorkEntry = { kind: 'missing' };
const other: WorkEntry = { kind: 'other' };

describe('sync plan, one path', () => {
  it.each([
    // [what, base, upstream, work, action]
    ['untouched, unchanged upstream', e('B'), e('B'), file('B'), 'none'],
    ['student edit, unchanged upstream', e('B'), e('B'), file('W'), 'none'],
    ['instructor edit, student untouched', e('B'), e('U'), file('B'), 'write:updated'],
    ['both edited a text file', e('B'), e('U'), file('W'), 'merge'],
    ['both made the same edit', e('B'), e('U'), file('U'), 'none'],
    ['student deleted, unchanged upstream', e('B'), e('B'), missing, 'write:restored'],
    ['student deleted, changed upstream', e('B'), e('U'), missing, 'write:restored'],
    ['new upstream file', null, e('U'), missing, 'write:added'],
    ['new upstream file, same untracked file', null, e('U'), file('U'), 'none'],
    ['new upstream file, different untracked file', null, e('U'), file('W'), 'move-aside-and-write'],
    ['a folder where a file belongs', e('B'), e('U'), other, 'move-aside-and-write'],
    ['upstream removed, student untouched', e('B'), null, file('B'), 'delete'],
    ['upstream removed, student edited', e('B'), null, file('W'), 'keep-removed-upstream'],
    ['upstream removed, student deleted too', e('B'), null, missing, 'none'],
    ['untracked on both sides', null, null, file('W'), 'none'],
  ] as const)('%s', (_what, base, up, work, expected) => {
    const action = planPath('x.py', base, up, work);
    expect(action.do + ('report' in action ? `:${action.report}` : '')).toBe(expected);
  });

  it('never merges a notebook by lines: both changed means keep and write beside', () => {
    expect(planPath('lesson.ipynb', e('B'), e('U'), file('W'))).toEqual({ do: 'keep-and-write-beside' });
    expect(planPath('Lesson.IPYNB', e('B'), e('U'), file('W'))).toEqual({ do: 'keep-and-write-beside' });
    expect(planPath('lesson.ipynb', e('B'), e('U'), file('B'))).toEqual({ do: 'write', report: 'updated' });
  });
});

describe('sync plan, whole folder', () => {
  it('deletes first, then writes in path order, and leaves out paths with nothing to do', () => {
    const base = new Map([
      ['a', e('1')],
      ['old/x', e('2')],
      ['same', e('3')],
    ]);
    const up = new Map([
      ['a/b', e('4')],
      ['same', e('3')],
      ['z', e('5')],
    ]);
    const work = new Map<string, WorkEntry>([
      ['a', file('1')],
      ['old/x', file('2')],
      ['same', file('3')],
    ]);
    expect(planSync(base, up, work).map((s) => `${s.action.do} ${s.path}`)).toEqual(['delete a', 'delete old/x', 'write a/b', 'write z']);
  });
});
