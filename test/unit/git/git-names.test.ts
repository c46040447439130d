import { describe, expect, it } from 'vitest';
import { gitPathHit, isGitName } from '../../../electron/core/git/git-names';

describe('names git takes as .git', () => {
  it.each([
    '.git',
    '.GIT',
    '.Git',
    '.gIt',
    'GIT~1',
    'git~1',
    'git~2',
    '.git.',
    '.git ',
    '.git. . ',
    '.git::$INDEX_ALLOCATION',
    '.g\u200cit',
    '\ufeff.git',
    '.GI\u200dT.',
  ])('%j is .git', (name) => {
    expect(isGitName(name)).toBe(true);
  });

  it.each(['.gitignore', '.gitattributes', '.gitmodules', 'git', '.git2', 'x.git', '.gitx', 'GIT~', 'git~a', '.github', 'my.git'])('%j is not', (name) => {
    expect(isGitName(name)).toBe(false);
  });

  it('names the first part of a path that is .git, and what it is', () => {
    expect(gitPathHit('proj/.git/config', false)).toMatchObject({ path: 'proj/.git', reason: 'a git repository made inside the lab' });
    expect(gitPathHit('proj/.git', false)).toMatchObject({ path: 'proj/.git', reason: 'a .git file, which points git at another repository' });
    expect(gitPathHit('a/.GIT', true)?.reason).toMatch(/"\.GIT" is read as "\.git" on Windows or macOS/);
    expect(gitPathHit('a/b/c.txt', false)).toBeNull();
    expect(gitPathHit('.gitmodules', false)).toBeNull();
  });
});
