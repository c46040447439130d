// The mount policy on real folders: approved folders by real path, links that lead out of them or into a
// forbidden folder, sockets and devices, a folder swapped for a link between load and start. A home folder
// and a data folder of the test's own stand in for the real ones.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, renameSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../electron/core/profiles/catalog';
import { checkedMounts, checkMountSource, type HostPolicy } from '../../../electron/core/profiles/mount-policy';
import { Profile } from '../../../electron/core/profiles/schema';
import { forbiddenHostPath } from '../../../electron/core/trust/host-folders';
import { MachineTrust } from '../../../electron/core/trust/machine-trust';

let root = '';
let shared = '';
let home = '';
let dataDir = '';
let elsewhere = '';
let socketServer: net.Server;
let policy: HostPolicy;

function withTrust(trust: Partial<MachineTrust>): HostPolicy {
  const parsed = MachineTrust.parse(trust);
  return { trust: () => parsed, hostFolders: { home, dataDir } };
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'classlab-mounts-'));
  shared = path.join(root, 'shared');
  home = path.join(root, 'home', 'ana');
  dataDir = path.join(root, 'data');
  elsewhere = path.join(root, 'elsewhere');
  for (const d of [path.join(shared, 'intro'), path.join(shared, 'intro-2'), path.join(home, '.ssh'), path.join(home, 'courses'), dataDir, elsewhere])
    mkdirSync(d, { recursive: true });
  writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'secret');
  writeFileSync(path.join(dataDir, 'secrets.key'), 'secret');
  writeFileSync(path.join(shared, 'intro', 'lesson.py'), 'print(1)\n');
  symlinkSync(path.join(home, '.ssh'), path.join(shared, 'keys'));
  symlinkSync(dataDir, path.join(shared, 'data'));
  symlinkSync('/run', path.join(shared, 'run'));
  symlinkSync('/', path.join(shared, 'everything'));
  symlinkSync(elsewhere, path.join(shared, 'out'));
  symlinkSync(path.join(shared, 'intro'), path.join(shared, 'alias'));
  socketServer = net.createServer();
  await new Promise<void>((resolve) => socketServer.listen(path.join(shared, 'api.sock'), resolve));
  policy = withTrust({ mountFolders: [shared] });
});

afterAll(async () => {
  await new Promise<void>((resolve) => socketServer.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

describe('mount sources', () => {
  it('allows a folder inside an approved folder, by its real path', async () => {
    expect(await checkMountSource(path.join(shared, 'intro'), policy)).toEqual({ ok: true, realPath: path.join(shared, 'intro') });
    // A link that stays inside is fine: the real path is what is mounted.
    expect(await checkMountSource(path.join(shared, 'alias'), policy)).toEqual({ ok: true, realPath: path.join(shared, 'intro') });
    expect(await checkMountSource(shared, policy)).toMatchObject({ ok: true });
  });

  it.each([
    ['a folder not approved', () => elsewhere, /not inside a folder this computer shares.*classlab trust mount add/],
    ['a link out of the approved folder', () => path.join(shared, 'out'), /not inside a folder this computer shares with labs \(it leads to/],
    ['.. out of the approved folder', () => path.join(shared, 'intro', '..', '..', 'elsewhere'), /not inside a folder this computer shares/],
    ['a sibling whose name starts the same', () => `${shared}-evil`, /does not exist|not inside/],
    ['a link into ~/.ssh', () => path.join(shared, 'keys'), /hidden folder of a home folder.*leads to/],
    ['a link into the data folder', () => path.join(shared, 'data'), /ClassLab's own data folder/],
    ['a link to /run', () => path.join(shared, 'run'), /\/run belongs to the system/],
    ['a link to /', () => path.join(shared, 'everything'), /the whole file system/],
    ['a socket', () => path.join(shared, 'api.sock'), /socket, a device or a pipe/],
    ['/', () => '/', /the whole file system/],
    ['the home folder', () => home, /home folder/],
    ['~/.ssh', () => path.join(home, '.ssh'), /hidden folder of a home folder/],
    ['the data folder', () => dataDir, /data folder/],
    ['/var/run', () => '/var/run', /\/run belongs to the system|\/var\/run belongs to the system/],
    ['/var/run/docker.sock', () => '/var/run/docker.sock', /belongs to the system|socket|does not exist/],
    ['/dev/null', () => '/dev/null', /socket, a device|\/dev belongs/],
    ['a missing folder', () => path.join(shared, 'missing'), /does not exist/],
  ])('refuses %s', async (_what, source, why) => {
    const r = await checkMountSource(source(), policy);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(why);
  });

  it('nothing is approved unless this machine says so', async () => {
    const r = await checkMountSource(path.join(shared, 'intro'), withTrust({}));
    expect(!r.ok && r.reason).toMatch(/not inside a folder this computer shares/);
  });

  it('an approved folder that is (or has become) forbidden approves nothing', async () => {
    // Settings edited by hand to approve the home folder, or / through a link: no mount under it is allowed.
    expect((await checkMountSource(path.join(home, 'courses'), withTrust({ mountFolders: [home] }))).ok).toBe(false);
    expect((await checkMountSource(path.join(shared, 'intro'), withTrust({ mountFolders: [path.join(shared, 'everything')] }))).ok).toBe(false);
  });

  it('refuses folders that hold a system tree, and the shared scratch folders themselves', () => {
    const ctx = { home, dataDir };
    expect(forbiddenHostPath('/var', ctx)).toMatch(/holds \/var\/run/);
    expect(forbiddenHostPath('/var/lib', ctx)).toMatch(/holds \/var\/lib\/docker/);
    expect(forbiddenHostPath('/tmp', ctx)).toMatch(/scratch folder/);
    expect(forbiddenHostPath('/var/tmp', ctx)).toMatch(/scratch folder/);
    expect(forbiddenHostPath(path.join('/tmp', 'course'), ctx)).toBeNull();
    expect(forbiddenHostPath('/srv/courses', ctx)).toBeNull();
  });
});

describe('checked at load and again at start', () => {
  const profileWith = (source: string) =>
    Profile.parse({ id: 'course-lab', title: 'Course lab', image: 'classlab/python:3', mounts: [{ kind: 'course', source, target: '/home/student/course' }] });

  it('a catalog loads its allowed profiles and reports each refused mount by name and field', async () => {
    const dir = mkdtempSync(path.join(root, 'catalog-'));
    const lab = (id: string, ...sources: string[]) => ({
      id,
      title: id,
      image: 'classlab/python:3',
      mounts: sources.map((source, i) => ({ kind: 'course', source, target: `/home/student/c${i}` })),
    });
    writeFileSync(
      path.join(dir, 'catalog.json'),
      JSON.stringify({
        schema: 1,
        labs: [lab('fine', path.join(shared, 'intro')), lab('root', '/'), lab('keys', path.join(shared, 'intro'), path.join(shared, 'keys')), lab('plain')],
      }),
    );
    const loaded = await loadCatalog(dir, policy);
    expect(loaded.profiles.map((p) => p.id)).toEqual(['fine', 'plain']);
    expect(loaded.problems).toEqual([
      { profile: 'root', field: 'mounts.0.source', message: expect.stringContaining('the whole file system') },
      { profile: 'keys', field: 'mounts.1.source', message: expect.stringContaining('hidden folder of a home folder') },
    ]);
  });

  it('gives the container the real path it checked', async () => {
    expect(await checkedMounts(profileWith(path.join(shared, 'alias')), policy)).toEqual([
      { source: path.join(shared, 'intro'), target: '/home/student/course' },
    ]);
  });

  it('refuses at start a folder swapped for a link to a forbidden one after it loaded', async () => {
    const source = path.join(shared, 'intro-2');
    const profile = profileWith(source);
    expect(await checkedMounts(profile, policy)).toHaveLength(1);
    renameSync(source, `${source}.old`);
    symlinkSync(path.join(home, '.ssh'), source);
    await expect(checkedMounts(profile, policy)).rejects.toMatchObject({
      code: 'START_FAILED',
      message: expect.stringMatching(/Course lab was not started: .*hidden folder of a home folder/),
    });
  });
});
