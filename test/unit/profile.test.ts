import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../electron/core/profiles/catalog';
import { Profile } from '../../electron/core/profiles/schema';
import { readFileSync } from 'node:fs';

const good = { id: 'python', title: 'Python', image: 'classlab/python:3', build: { context: 'python' } };

describe('lab profile schema', () => {
  it('fills safe defaults: no network, unprivileged user, limits', () => {
    const p = Profile.parse(good);
    expect(p.network).toBe('none');
    expect(p.server.user).toBe('1000:1000');
    expect(p.resources).toEqual({ memoryMiB: 2048, cpus: 1, pids: 512, diskMiB: 2048 });
    expect(p.server.socket).toBe('/run/classlab/notebook.sock');
    expect(p.mounts).toEqual([]);
  });

  it.each([
    [{ ...good, id: 'Py Thon' }, 'id'],
    [{ ...good, image: 'UPPER/case' }, 'image'],
    [{ ...good, server: { user: '0:0' } }, 'server.user'],
    [{ ...good, resources: { memoryMiB: 1 } }, 'resources.memoryMiB'],
    [{ ...good, network: 'host' }, 'network'],
    [{ ...good, mounts: [{ kind: 'course', source: 'relative/dir', target: '/home/student/course' }] }, 'mounts.0.source'],
    [{ ...good, mounts: [{ kind: 'course', source: '/srv/course', target: '/home/../etc' }] }, 'mounts.0.target'],
    [{ ...good, mounts: [{ kind: 'course', source: '/srv/course', target: '/c', readOnly: false }] }, 'mounts.0.readOnly'],
    [{ ...good, build: { context: '../outside' } }, 'build.context'],
  ])('rejects %j at %s', (raw, field) => {
    const r = Profile.safeParse(raw);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('accepts a read-only course folder mount', () => {
    const p = Profile.parse({ ...good, mounts: [{ kind: 'course', source: '/srv/course', target: '/home/student/course' }] });
    expect(p.mounts[0]).toEqual({ kind: 'course', source: '/srv/course', target: '/home/student/course', readOnly: true });
  });
});

describe('catalog', () => {
  it('reports a malformed profile by name and field and still loads the rest', () => {
    const r = parseCatalog({ schema: 1, labs: [good, { id: 'broken', title: 'B', image: 'x', resources: { cpus: 0 } }, 42] });
    expect(r.profiles.map((p) => p.id)).toEqual(['python']);
    expect(r.problems).toContainEqual({ profile: 'broken', field: 'resources.cpus', message: expect.any(String) });
    expect(r.problems.some((p) => p.profile === 'labs[2]')).toBe(true);
  });

  it('refuses duplicate ids', () => {
    const r = parseCatalog({ schema: 1, labs: [good, good] });
    expect(r.profiles).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ profile: 'python', field: 'id' });
  });

  it('reports a wrong file shape as one problem', () => {
    const r = parseCatalog({ labs: 'nope' });
    expect(r.profiles).toEqual([]);
    expect(r.problems).toHaveLength(1);
  });

  it('the bundled catalog is valid and has the python lab', () => {
    const r = parseCatalog(JSON.parse(readFileSync(new URL('../../images/catalog.json', import.meta.url), 'utf8')));
    expect(r.problems).toEqual([]);
    expect(r.profiles.find((p) => p.id === 'python')?.build?.context).toBe('python');
  });
});
