import { describe, expect, it } from 'vitest';
import { checkBranchName, checkTargetFolder, displayUrl, GitNameError, parseRemoteUrl, RemoteUrlError } from '../../../electron/core/git/remote-url';

describe('remote URLs', () => {
  it.each([
    ['https://github.com/org/course.git', 'https'],
    ['https://gitlab.example.org:8443/group/sub/course', 'https'],
    ['ssh://git@github.com/org/course.git', 'ssh'],
    ['ssh://git@[::1]:2222/srv/course.git', 'ssh'],
    ['git@github.com:org/course.git', 'ssh'],
    ['student@10.0.0.5:courses/week1.git', 'ssh'],
  ])('accepts %s', (url, kind) => {
    expect(parseRemoteUrl(url)).toEqual({ url, kind });
  });

  it.each([
    ['ext::sh -c touch% /tmp/pwned', 'transport'],
    ['ext::sh', 'transport'],
    ['fd::17', 'transport'],
    ['transport::https://x/y', 'transport'],
    ['--upload-pack=touch /tmp/pwned', 'starts with "-"'],
    ['-oProxyCommand=touch /tmp/pwned', 'starts with "-"'],
    ['ssh://-oProxyCommand=touch%20x/repo', 'server name'],
    ['-x@host:repo', 'starts with "-"'],
    ['git@-oProxyCommand=x:repo', 'server name'],
    ['git@host:-repo', 'repository path cannot start'],
    ['https://github.com/org/repo\n--upload-pack=x', 'control character'],
    ['https://github.com/org/repo\u0000', 'control character'],
    [' https://github.com/org/repo', 'spaces'],
    ['http://github.com/org/repo.git', 'clear text'],
    ['git://github.com/org/repo.git', 'not allowed'],
    ['ftp://example.org/repo.git', 'not allowed'],
    ['file:///srv/course.git', 'classlab trust local add'],
    ['/srv/course.git', 'classlab trust local add'],
    ['C:\\courses\\week1', 'classlab trust local add'],
    ['http://127.0.0.1:8080/course.git', 'classlab trust local add'],
    ['http://192.168.1.10/course.git', 'classlab trust local add'],
    ['https://github.com/', 'no repository'],
    ['https://github.com/org/repo#frag', '"#"'],
    ['ssh://user:pw@host/repo', 'ssh uses keys'],
    ['course.git', 'use an https'],
    ['host:repo', 'use an https'],
    ['', 'empty'],
  ])('refuses %j', (url, reason) => {
    const err = (() => {
      try {
        parseRemoteUrl(url);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(RemoteUrlError);
    expect((err as RemoteUrlError).code).toBe('GIT_URL_REFUSED');
    expect((err as RemoteUrlError).reason).toContain(reason);
  });

  it('allows local folders and http on this PC or its private network only where this machine trusts them', () => {
    expect(parseRemoteUrl('file:///srv/course.git', { allowLocal: true })).toEqual({ url: 'file:///srv/course.git', kind: 'file' });
    expect(parseRemoteUrl('/srv/course.git', { allowLocal: true }).kind).toBe('file');
    expect(parseRemoteUrl('http://127.0.0.1:8080/course.git', { allowLocal: true }).kind).toBe('http');
    expect(parseRemoteUrl('http://localhost/course.git', { allowLocal: true }).kind).toBe('http');
    expect(parseRemoteUrl('http://192.168.1.10/course.git', { allowLocal: true }).kind).toBe('http');
    expect(parseRemoteUrl('http://[fd00::5]/course.git', { allowLocal: true }).kind).toBe('http');
    expect(() => parseRemoteUrl('http://8.8.8.8/course.git', { allowLocal: true })).toThrow(/clear text/);
    expect(() => parseRemoteUrl('http://git.school.lan/course.git', { allowLocal: true })).toThrow(/clear text/);
    expect(() => parseRemoteUrl('file://otherhost/srv/x.git', { allowLocal: true })).toThrow(/this PC only/);
    expect(() => parseRemoteUrl('ext::sh -c x', { allowLocal: true })).toThrow(RemoteUrlError);
  });

  it('splits credentials out of an https URL', () => {
    expect(parseRemoteUrl('https://ada:ghp_abc%2Fdef@github.com/org/repo.git')).toEqual({
      url: 'https://github.com/org/repo.git',
      kind: 'https',
      username: 'ada',
      token: 'ghp_abc/def',
    });
    expect(parseRemoteUrl('https://x-access-token@github.com/org/repo.git')).toEqual({
      url: 'https://github.com/org/repo.git',
      kind: 'https',
      username: 'x-access-token',
    });
  });

  it('shows URLs without user info', () => {
    expect(displayUrl('https://ada:secret@github.com/org/repo.git')).toBe('https://github.com/org/repo.git');
    expect(displayUrl('git@github.com:org/repo.git')).toBe('git@github.com:org/repo.git');
  });
});

describe('branch names', () => {
  it.each(['main', 'week-1', 'release/2024.1', 'feature/a_b', 'ünï'])('accepts %j', (name) => {
    expect(checkBranchName(name)).toBe(name);
  });
  it.each([
    '',
    '-main',
    '--upload-pack=x',
    'HEAD',
    '@',
    'a..b',
    'a b',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[b',
    'a\\b',
    '/a',
    'a/',
    'a//b',
    'a.',
    '.hidden',
    'a/.b',
    'x.lock',
    'a/b.lock/c',
    'a@{1}',
    'a\nb',
    'a\u007f',
  ])('refuses %j', (name) => {
    expect(() => checkBranchName(name)).toThrow(GitNameError);
  });
});

describe('target folders', () => {
  it('normalizes safe folders', () => {
    expect(checkTargetFolder('course/week1/')).toBe('course/week1');
  });
  it.each(['', '../x', '/abs', 'a/../b', '-rf', 'a/-b', 'con', 'a:b', 'a\\b'])('refuses %j', (folder) => {
    expect(() => checkTargetFolder(folder)).toThrow(GitNameError);
  });
});

describe('credential-free URLs for git', () => {
  it('passes a clean URL and refuses one that still holds credentials', async () => {
    const { credentialFreeUrl } = await import('../../../electron/core/git/remote-url');
    expect(credentialFreeUrl('https://github.com/org/repo.git')).toBe('https://github.com/org/repo.git');
    expect(() => credentialFreeUrl('https://ada:tok@github.com/org/repo.git')).toThrow(/store them as credentials/);
  });
});
