import { mkdtempSync, mkdirSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHostFolder, forbiddenHostPath } from '../../../electron/core/trust/host-folders';
import { isTrustedLocalAddress, normalizeLocalAddress } from '../../../electron/core/trust/machine-trust';
import { createSettingsStore } from '../../../electron/core/settings';

describe('trusted local addresses', () => {
  it('normalises paths, file:// and http(s) to one form', () => {
    expect(normalizeLocalAddress('/srv/course.git')).toBe('file:///srv/course.git');
    expect(normalizeLocalAddress('file:///srv/x/../course.git')).toBe('file:///srv/course.git');
    expect(normalizeLocalAddress('http://USER:pw@127.0.0.1:8080/a?q#f')).toBe('http://127.0.0.1:8080/a');
    expect(normalizeLocalAddress('ext::sh -c evil')).toBeNull();
  });
  it('matches whole path segments only', () => {
    const trust = { localAddresses: ['file:///srv/course', 'http://127.0.0.1:8080/'] };
    expect(isTrustedLocalAddress('/srv/course', trust)).toBe(true);
    expect(isTrustedLocalAddress('file:///srv/course/intro.git', trust)).toBe(true);
    expect(isTrustedLocalAddress('file:///srv/course-evil', trust)).toBe(false);
    expect(isTrustedLocalAddress('file:///srv/course/../secret', trust)).toBe(false);
    expect(isTrustedLocalAddress('http://127.0.0.1:8080/nb.ipynb', trust)).toBe(true);
    expect(isTrustedLocalAddress('http://127.0.0.1:8081/nb.ipynb', trust)).toBe(false);
    expect(isTrustedLocalAddress('http://localhost:8080/nb.ipynb', trust)).toBe(false);
  });
  it('a settings file with a broken trust section trusts nothing', () => {
    const store: Record<string, unknown> = { trust: { mountFolders: ['relative/path'] } };
    const s = createSettingsStore({ store, set: (k, v) => void (store[k] = v) });
    expect(s.get().trust).toEqual({ mountFolders: [], localAddresses: [], skipGvisorLabs: [], packSigners: [], unsignedPacks: false });
  });
});

describe('host folders a lab may never see', () => {
  const ctx = { home: '/home/ana', dataDir: '/home/ana/.local/share/classlab' };
  it.each([
    ['/', 'the whole file system'],
    ['/home/ana', 'home folder'],
    ['/home/bo', 'home folder'],
    ['/home', 'home folder'],
    ['/home/ana/.ssh', 'hidden folder'],
    ['/home/ana/.aws', 'hidden folder'],
    ['/home/ana/.local', 'data folder'],
    ['/var/run', 'system'],
    ['/run/docker.sock', 'system'],
    ['/proc/1/root', 'system'],
    ['/dev/shm', 'system'],
    ['/var/lib/docker/volumes', 'system'],
  ])('%s is refused (%s)', (p, why) => {
    expect(forbiddenHostPath(p, ctx)).toContain(why);
  });
  it('a course folder inside the home folder is fine', () => {
    expect(forbiddenHostPath('/home/ana/courses/intro', ctx)).toBeNull();
    expect(forbiddenHostPath('/srv/course', ctx)).toBeNull();
  });
  it('a folder that holds the data folder is refused', () => {
    expect(forbiddenHostPath('/opt/cl', { home: '/home/ana', dataDir: '/opt/cl/data' })).toContain('data folder');
  });
  it('checks the real path: a link to a forbidden folder is refused, with where it leads', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'cl-trust-'));
    const home = path.join(root, 'home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true });
    const course = path.join(root, 'course');
    mkdirSync(course);
    symlinkSync(path.join(home, '.ssh'), path.join(root, 'innocent'));
    const c = { home, dataDir: path.join(root, 'data') };
    expect(await checkHostFolder(course, c)).toEqual({ ok: true, realPath: course });
    const linked = await checkHostFolder(path.join(root, 'innocent'), c);
    expect(linked.ok).toBe(false);
    expect(!linked.ok && linked.reason).toContain('leads to');
    expect((await checkHostFolder(path.join(root, 'missing'), c)).ok).toBe(false);
  });
});
