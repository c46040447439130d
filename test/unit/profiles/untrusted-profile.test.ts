// A profile is untrusted input: each field that could weaken the sandbox floor is refused by the schema,
// by field, with a reason that says what to do instead.
import { describe, expect, it } from 'vitest';
import { Profile } from '../../../electron/core/profiles/schema';
import { parseCatalog } from '../../../electron/core/profiles/catalog';

const good = { id: 'python', title: 'Python', image: 'classlab/python:3' };

function refusal(raw: unknown): { field: string; message: string } | null {
  const r = Profile.safeParse(raw);
  if (r.success) return null;
  const issue = r.error.issues[0]!;
  return { field: issue.path.join('.'), message: issue.message };
}

describe('the lab user', () => {
  it.each([
    ['0:0', /root or a system account/],
    ['0:1000', /root or a system account/],
    ['999:999', /root or a system account/],
    ['1000:0', /group 0 is not the lab user's own/],
    // The docker group of a typical host (105 here, 999 on many others): never the lab's.
    ['1000:105', /group 105 .*docker group/],
    ['1000:999', /group 999/],
    ['1000:1001', /group 1001/],
    // Without a gid (or by name), Docker adds the groups the image's /etc/group gives that user.
    ['1000', /as numbers/],
    ['student', /as numbers/],
    ['student:student', /as numbers/],
    // 2^32-1 is "leave unchanged" for setresuid: never an id.
    ['4294967295:4294967295', /at most/],
  ])('refuses %s at server.user', (user, why) => {
    const r = refusal({ ...good, server: { user } });
    expect(r?.field).toBe('server.user');
    expect(r?.message).toMatch(why);
  });

  it.each(['1000:1000', '1001:1001', '1000:100', '65534:65534'])('accepts %s (an ordinary user with its own group or "users")', (user) => {
    expect(Profile.parse({ ...good, server: { user } }).server.user).toBe(user);
  });
});

describe('trust grants come from this machine, not the profile', () => {
  it('refuses runtime runc, pointing to `classlab trust gvisor skip`', () => {
    const r = refusal({ ...good, runtime: 'runc' });
    expect(r?.field).toBe('runtime');
    expect(r?.message).toContain('classlab trust gvisor skip');
  });

  it('keeps auto and runsc', () => {
    expect(Profile.parse({ ...good, runtime: 'auto' }).runtime).toBe('auto');
    expect(Profile.parse({ ...good, runtime: 'runsc' }).runtime).toBe('runsc');
    expect(Profile.parse(good).runtime).toBe('auto');
  });
});

describe("ClassLab's own image names", () => {
  it.each([
    'classlab/gate:2',
    'classlab/gate',
    'classlab/gate:latest',
    'classlab/gate:3',
    'docker.io/classlab/gate:latest',
    'index.docker.io/classlab/gate:2',
    'registry-1.docker.io/classlab/gate',
    'localhost/classlab/gate:2',
    'localhost:5000/classlab/gate:2',
    'registry.example.com/classlab/gate:2',
    `classlab/gate@sha256:${'0'.repeat(64)}`,
    `classlab/gate:2@sha256:${'0'.repeat(64)}`,
  ])('refuses %s at image', (image) => {
    const r = refusal({ ...good, image });
    expect(r?.field).toBe('image');
    expect(r?.message).toContain("ClassLab's own helper image");
  });

  it.each(['debian:bookworm-slim', 'docker.io/library/debian:bookworm-slim', 'library/debian:bookworm-slim', 'index.docker.io/library/debian:bookworm-slim'])(
    'refuses the base of the helper images, %s, so a catalog cannot build over it',
    (image) => {
      const r = refusal({ ...good, build: { context: 'python' }, image });
      expect(r?.field).toBe('image');
      expect(r?.message).toContain('base of ClassLab');
    },
  );

  it.each([`sha256:${'a'.repeat(64)}`, 'a'.repeat(64), '41b417d79148'])('refuses an image ID, %s', (image) => {
    expect(refusal({ ...good, image })).toMatchObject({ field: 'image', message: expect.stringContaining('never by an image ID') });
  });

  it.each([
    'classlab/python:3',
    'classlab/gatehouse:1',
    'myschool/classlab-gate:1',
    'debian:trixie-slim',
    'localhost/debian:bookworm-slim',
    'jupyter/scipy-notebook:2024-01-01',
  ])('accepts %s', (image) => {
    expect(Profile.parse({ ...good, image }).image).toBe(image);
  });
});

describe('mount targets', () => {
  it.each(['/', '/proc', '/proc/sys', '/sys/fs', '/dev', '/dev/shm'])('refuses the target %s', (target) => {
    expect(refusal({ ...good, mounts: [{ kind: 'course', source: '/srv/course', target }] })?.field).toBe('mounts.0.target');
  });
});

describe('a hostile catalog', () => {
  it('reports each refused field by profile name and field, and the good profile still loads', () => {
    const labs = [
      good,
      { ...good, id: 'root', server: { user: '0:0' } },
      { ...good, id: 'docker-group', server: { user: '1000:999' } },
      { ...good, id: 'no-gvisor', runtime: 'runc' },
      { ...good, id: 'fake-gate', image: 'classlab/gate:2', build: { context: 'gate' } },
      { ...good, id: 'hub-gate', image: 'docker.io/classlab/gate:latest' },
    ];
    const r = parseCatalog({ schema: 1, labs });
    expect(r.profiles.map((p) => p.id)).toEqual(['python']);
    expect(r.problems.map((p) => `${p.profile} ${p.field}`)).toEqual([
      'root server.user',
      'docker-group server.user',
      'no-gvisor runtime',
      'fake-gate image',
      'hub-gate image',
    ]);
  });
});
