import { describe, expect, it } from 'vitest';
import { cleanConfig } from '../../../electron/core/git/repo-config';

// `git config --list -z` output: "key\nvalue\0" per entry ("key\0" for a key without a value).
const list = (...entries: [string, string | null][]) => entries.map(([k, v]) => (v === null ? `${k}\0` : `${k}\n${v}\0`)).join('');

describe("ClassLab's own repository config", () => {
  it('keeps the plain core keys git init writes, with core.bare as asked', () => {
    const { text, dropped } = cleanConfig(list(['core.repositoryformatversion', '0'], ['core.filemode', 'true'], ['core.bare', 'true']), false);
    expect(text).toBe('[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n');
    expect(dropped).toEqual([]);
  });

  it('drops every driver, include, hook, fsmonitor, worktree and extension, and odd values', () => {
    const { text, dropped } = cleanConfig(
      list(
        ['core.repositoryformatversion', '1'],
        ['core.bare', 'false'],
        ['filter.evil.clean', 'touch /tmp/x'],
        ['diff.evil.textconv', 'touch /tmp/x'],
        ['merge.evil.driver', 'touch /tmp/x'],
        ['include.path', '/tmp/evil.inc'],
        ['includeif.gitdir:/.path', '/tmp/evil.inc'],
        ['core.fsmonitor', 'touch /tmp/x'],
        ['core.hookspath', '/tmp/hooks'],
        ['core.worktree', '/'],
        ['core.sshcommand', 'touch /tmp/x'],
        ['extensions.worktreeconfig', 'true'],
        ['core.filemode', 'touch'],
        ['core.ignorecase', null],
      ),
      true,
    );
    expect(text).toBe('[core]\n\trepositoryformatversion = 0\n\tbare = true\n\tignorecase = true\n');
    expect(dropped).toEqual(
      expect.arrayContaining([
        'filter.evil.clean',
        'diff.evil.textconv',
        'merge.evil.driver',
        'include.path',
        'core.fsmonitor',
        'core.hookspath',
        'core.worktree',
        'core.sshcommand',
        'extensions.worktreeconfig',
        'core.filemode',
      ]),
    );
    expect(text).not.toMatch(/touch|evil|hooks|worktree/);
  });
});
