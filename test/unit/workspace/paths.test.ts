import { describe, expect, it } from 'vitest';
import {
  containerPathIn,
  hostNameProblem,
  hostPathIn,
  isSafeWorkspacePath,
  linkStaysInside,
  normalizeWorkspacePath,
  UnsafePathError,
  workspaceParts,
} from '../../../electron/core/workspace/paths';

describe('workspace paths', () => {
  it.each(['a.txt', 'notes/week 1/a.ipynb', 'folder/', 'ünïcödé/名前.txt', '.hidden', 'a..b', '...x'])('accepts %j', (p) => {
    expect(isSafeWorkspacePath(p)).toBe(true);
  });

  it.each([
    ['', 'an empty path'],
    ['/etc/shadow', 'an absolute path'],
    ['../other-lab/work', 'a ".." part'],
    ['a/../../b', 'a ".." part'],
    ['a/./b', 'a "." part'],
    ['.', 'a "." part'],
    ['C:/Windows', 'a drive letter'],
    ['c:foo', 'a drive letter'],
    ['\\\\server\\share', 'a backslash (use "/" between folders)'],
    ['a\\..\\b', 'a backslash (use "/" between folders)'],
    ['a\u0000b', 'a NUL character'],
    ['a\nb', 'a control character'],
    ['a//b', 'an empty part ("//")'],
    [`${'x'.repeat(256)}`, 'a name longer than 255 bytes'],
    [`${'é'.repeat(128)}`, 'a name longer than 255 bytes'],
    [Array(70).fill('d').join('/'), 'more than 64 folders deep'],
    [Array(300).fill('abcd').join('/'), 'a path longer than 1024 bytes'],
  ])('refuses %j (%s)', (p, reason) => {
    expect(() => workspaceParts(p)).toThrow(UnsafePathError);
    try {
      workspaceParts(p);
    } catch (err) {
      expect((err as UnsafePathError).reason).toBe(reason);
    }
  });

  it('normalizes a trailing slash and keeps the rest as is', () => {
    expect(normalizeWorkspacePath('a/b/')).toBe('a/b');
    expect(workspaceParts('x/y')).toEqual(['x', 'y']);
  });

  it('refuses names a Windows or macOS desktop cannot hold, when asked to', () => {
    for (const name of ['CON', 'con.txt', 'LPT1', 'nul.tar.gz', 'a:b', 'what?', 'star*', 'pipe|', 'trailing.', 'trailing ', 'q"uote', 'less<']) {
      expect(hostNameProblem(name, 'win32'), name).not.toBeNull();
      expect(isSafeWorkspacePath(`dir/${name}`, { host: 'win32' }), name).toBe(false);
    }
    expect(hostNameProblem('a:b', 'darwin')).not.toBeNull();
    expect(hostNameProblem('a:b', 'linux')).toBeNull();
    expect(hostNameProblem('console.txt', 'win32')).toBeNull();
    expect(isSafeWorkspacePath('CON', { host: 'linux' })).toBe(true);
  });

  it('joins inside the container workspace only', () => {
    expect(containerPathIn('/home/student/work', 'a/b.txt')).toBe('/home/student/work/a/b.txt');
    expect(() => containerPathIn('/home/student/work', '../student2/x')).toThrow(UnsafePathError);
    expect(() => containerPathIn('relative', 'x')).toThrow(UnsafePathError);
  });

  it('joins inside a host folder with the host OS rules', () => {
    expect(hostPathIn('/home/me/Downloads', 'lab/a.txt', 'linux')).toBe('/home/me/Downloads/lab/a.txt');
    expect(hostPathIn('C:\\Users\\me\\Downloads', 'lab/a.txt', 'win32')).toBe('C:\\Users\\me\\Downloads\\lab\\a.txt');
    expect(() => hostPathIn('C:\\Users\\me', 'lab/aux.py', 'win32')).toThrow(/reserved/);
    expect(() => hostPathIn('/home/me', '../x', 'linux')).toThrow(UnsafePathError);
    expect(() => hostPathIn('relative/dir', 'x', 'linux')).toThrow(/absolute/);
  });

  it('tells links that stay inside from links that leave', () => {
    expect(linkStaysInside('a/link', 'b.txt')).toBe(true);
    expect(linkStaysInside('a/link', '../c.txt')).toBe(true);
    expect(linkStaysInside('a/b/link', '../../c')).toBe(true);
    expect(linkStaysInside('link', '../x')).toBe(false);
    expect(linkStaysInside('a/link', '../../x')).toBe(false);
    expect(linkStaysInside('a/link', 'b/../../../x')).toBe(false);
    expect(linkStaysInside('link', '/etc/shadow')).toBe(false);
    expect(linkStaysInside('link', 'C:/x')).toBe(false);
    expect(linkStaysInside('link', '')).toBe(false);
  });
});
