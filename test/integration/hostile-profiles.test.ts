// Profiles are untrusted input, on the real engine (issue #9 item 2): a hostile CLASSLAB_CATALOG-style
// catalog loads with each refused lab reported by name and field while the others load; an approved course
// folder mounts read-only, by its real path, and works; a folder approved at load but swapped for a link to
// a forbidden folder before the start is refused at the start (a new lab and a stopped one); the lab user's
// processes have no group but their own even where the image puts the student in another group; and the
// Sandbox check's lines: the Docker socket line finds a fake Docker API in a course mount (NOT blocked) and
// passes without it, and the hostile-profile line refuses every field.
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AttackResult } from '../../electron/core/audit';
import { LabContainers } from '../../electron/core/labs/containers';
import { labNames } from '../../electron/core/labs/naming';
import { loadCatalog } from '../../electron/core/profiles/catalog';
import { Profile } from '../../electron/core/profiles/schema';
import {
  docker,
  execIn,
  memoryLogger,
  removeNamespace,
  testCatalog,
  testCore,
  testLabDeps,
  testPolicy,
  testSettings,
  trustedGateImage,
  uniqueNamespace,
} from '../support/docker';

const ns = uniqueNamespace('clhostile');
const PY = { image: 'classlab/python:3', build: { context: 'python' }, resources: { memoryMiB: 1024, diskMiB: 32 } };
const COURSE_TARGET = '/home/student/course';
let root = '';
let shared = '';
let dataDir = '';
let catalogDir = '';
let fakeDocker: http.Server | null = null;
let core: Awaited<ReturnType<typeof testCore>>;

const mountLab = (id: string, source: string) => ({ ...PY, id, title: id, mounts: [{ kind: 'course', source, target: COURSE_TARGET }] });
const lines = (r: AttackResult[]) => r.map((x) => `${x.blocked ? 'BLOCKED    ' : 'NOT BLOCKED'} ${x.attack}: ${x.evidence}`);

beforeAll(async () => {
  // Folders a lab user (uid 1000) can read: mkdtemp makes 0700 folders.
  root = mkdtempSync(path.join(os.tmpdir(), 'classlab-hostile-'));
  shared = path.join(root, 'shared');
  dataDir = path.join(root, 'data');
  for (const d of [
    path.join(shared, 'intro'),
    path.join(shared, 'swap'),
    path.join(shared, 'swap-stopped'),
    path.join(shared, 'api', 'deep', 'nested'),
    dataDir,
  ])
    mkdirSync(d, { recursive: true });
  for (const d of [
    root,
    shared,
    path.join(shared, 'intro'),
    path.join(shared, 'api'),
    path.join(shared, 'api', 'deep'),
    path.join(shared, 'api', 'deep', 'nested'),
  ])
    chmodSync(d, 0o755);
  writeFileSync(path.join(shared, 'intro', 'lesson.py'), 'print("lesson one")\n');
  chmodSync(path.join(shared, 'intro', 'lesson.py'), 0o644);
  symlinkSync(path.join(shared, 'intro'), path.join(shared, 'current'));
  catalogDir = testCatalog([
    mountLab('course', path.join(shared, 'current')),
    mountLab('swap', path.join(shared, 'swap')),
    mountLab('swap-stopped', path.join(shared, 'swap-stopped')),
    mountLab('h-root', '/'),
    mountLab('h-home', os.homedir()),
    mountLab('h-ssh', path.join(os.homedir(), '.ssh')),
    mountLab('h-data', dataDir),
    mountLab('h-var-run', '/var/run'),
    mountLab('h-outside', root),
    { ...PY, id: 'h-docker-group', title: 'Docker group', server: { user: '1000:999' } },
    { ...PY, id: 'h-root-user', title: 'Root', server: { user: '0:0' } },
    { ...PY, id: 'h-runc', title: 'No gVisor', runtime: 'runc' },
    { ...PY, id: 'h-gate', title: 'Fake gate', image: 'classlab/gate:2', build: { context: 'gate' } },
    { ...PY, id: 'h-hub-gate', title: 'Hub gate', image: 'docker.io/classlab/gate:latest', build: undefined },
  ]);
  core = await testCore(ns, { catalogDir, dataDir, settings: testSettings({ mountFolders: [shared] }) });
  // The python image (CI builds it beforehand; built here when missing, through Docker's cache otherwise).
  if ((await core.service['labs:list']()).labs.find((l) => l.id === 'course')?.phase === 'image-missing') await core.service['images:prepare']('course');
}, 900_000);

afterAll(async () => {
  await core?.close();
  await new Promise<void>((resolve) => (fakeDocker ? fakeDocker.close(() => resolve()) : resolve()));
  await removeNamespace(ns);
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a hostile catalog on the real engine', () => {
  it('loads the allowed labs and reports each refused one by name and field', async () => {
    const { labs, problems } = await core.service['labs:list']();
    expect(labs.map((l) => l.id)).toEqual(['course', 'swap', 'swap-stopped']);
    const byLab = Object.fromEntries(problems.map((p) => [p.profile, `${p.field}: ${p.message}`]));
    expect(byLab).toEqual({
      'h-root': expect.stringMatching(/^mounts\.0\.source: .*the whole file system/),
      'h-home': expect.stringMatching(/^mounts\.0\.source: .*home folder/),
      'h-ssh': expect.stringMatching(/^mounts\.0\.source: /),
      'h-data': expect.stringMatching(/^mounts\.0\.source: .*ClassLab's own data folder/),
      'h-var-run': expect.stringMatching(/^mounts\.0\.source: .*\/run belongs to the system/),
      'h-outside': expect.stringMatching(/^mounts\.0\.source: .*(not inside a folder this computer shares|data folder)/),
      'h-docker-group': expect.stringMatching(/^server\.user: group 999/),
      'h-root-user': expect.stringMatching(/^server\.user: uid 0/),
      'h-runc': expect.stringMatching(/^runtime: .*classlab trust gvisor skip/),
      'h-gate': expect.stringMatching(/^image: .*ClassLab's own helper image/),
      'h-hub-gate': expect.stringMatching(/^image: .*ClassLab's own helper image/),
    });
  });

  it('mounts an approved course folder read-only, by its real path, and the lab can read it', async () => {
    const view = await core.service['labs:open']('course');
    expect(view.phase).toBe('ready');
    const names = labNames(ns, 'course');
    const info = await docker.getContainer(names.container).inspect();
    const bind = info.Mounts.find((m) => m.Destination === COURSE_TARGET);
    // The profile names the link `current`; the container gets the real path that was checked.
    expect(bind).toMatchObject({ Type: 'bind', Source: realpathSync(path.join(shared, 'intro')), RW: false });
    expect((await execIn(names.container, ['cat', `${COURSE_TARGET}/lesson.py`], '1000:1000')).out).toBe('print("lesson one")');
    const write = await execIn(names.container, ['sh', '-c', `touch ${COURSE_TARGET}/new 2>&1; echo "exit=$?"`], '1000:1000');
    expect(write.out).toMatch(/Read-only file system[\s\S]*exit=1/);
    await core.service['labs:stop']('course');
  });

  it('refuses at start a folder approved at load and swapped for a link to the data folder since', async () => {
    const source = path.join(shared, 'swap');
    renameSync(source, `${source}.old`);
    symlinkSync(dataDir, source);
    await expect(core.service['labs:open']('swap')).rejects.toMatchObject({
      code: 'START_FAILED',
      message: expect.stringMatching(/cannot be mounted into a lab: .*data folder/),
    });
    // Refused before the lab container was made.
    await expect(docker.getContainer(labNames(ns, 'swap').container).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('refuses to start a stopped lab whose folder became a link to the home folder', async () => {
    expect((await core.service['labs:open']('swap-stopped')).phase).toBe('ready');
    await core.service['labs:stop']('swap-stopped');
    const source = path.join(shared, 'swap-stopped');
    renameSync(source, `${source}.old`);
    symlinkSync(os.homedir(), source);
    await expect(core.service['labs:open']('swap-stopped')).rejects.toMatchObject({
      code: 'START_FAILED',
      message: expect.stringContaining('cannot be mounted into a lab'),
    });
    const info = await docker.getContainer(labNames(ns, 'swap-stopped').container).inspect();
    expect(info.State.Running).toBe(false);
    // Docker keeps the path it was given, not the folder: at a start it would bind whatever the path leads
    // to now (the home folder). That is why a stopped lab's folders are checked again before every start.
    expect(info.Mounts.filter((m) => m.Type === 'bind').map((m) => m.Source)).toEqual([source]);
    expect(realpathSync(source)).toBe(realpathSync(os.homedir()));
  });
});

describe('the lab user has no group but its own', () => {
  const image = `${ns}/groups:1`;
  const profile = Profile.parse({
    id: 'groups',
    title: 'Groups',
    image,
    resources: { memoryMiB: 256, diskMiB: 32 },
    server: { command: ['sleep', 'infinity'], user: '1000:1000' },
  });
  const lab = new LabContainers(() => docker, profile, ns, testLabDeps());

  afterAll(async () => {
    await lab.removeEverything().catch(() => undefined);
    await docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
  });

  it('even where the image puts the student in group 999 (a docker group)', async () => {
    const context = mkdtempSync(path.join(root, 'groups-'));
    writeFileSync(path.join(context, 'Dockerfile'), 'FROM debian:bookworm-slim\nRUN groupadd -g 999 docker && useradd -u 1000 -U -m -G docker student\n');
    const { buildImage } = await import('../../electron/core/images/images');
    await buildImage(docker, context, image, { onProgress: () => undefined });
    await lab.start();
    const groups = async (cmd: string, user: string) => (await execIn(lab.names.container, ['sh', '-c', cmd], user)).out.trim();
    // The lab's own process and an exec as the lab user (terminals, git, files): Groups is the user's own.
    expect(await groups('grep ^Groups: /proc/1/status', '1000:1000')).toMatch(/^Groups:\s*1000\s*$/);
    expect(await groups('grep ^Groups: /proc/self/status', '1000:1000')).toMatch(/^Groups:\s*1000\s*$/);
    expect(await groups('id -G', '1000:1000')).toBe('1000');
    // The image really does that: a bare uid (what the schema refuses) would get group 999.
    expect(await groups('grep ^Groups: /proc/self/status', '1000')).toMatch(/^Groups:\s*999 1000\s*$/);
    expect(Profile.safeParse({ ...profile, server: { ...profile.server, user: '1000' } }).success).toBe(false);
  });
});

describe('the Sandbox check', () => {
  it('says NOT blocked when a course mount holds a socket that answers the Docker API', async () => {
    const sock = path.join(shared, 'api', 'deep', 'nested', 'docker.sock');
    // A fake Docker API (never the real socket): /_ping and /version as the engine answers them.
    fakeDocker = http.createServer((req, res) => {
      if (req.url === '/_ping') res.writeHead(200, { 'Api-Version': '1.41', 'Content-Type': 'text/plain' }).end('OK');
      else if (req.url === '/version')
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ApiVersion: '1.41', Version: '20.10.24' }));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => fakeDocker!.listen(sock, resolve));
    chmodSync(sock, 0o666);
    const policy = testPolicy({ mountFolders: [shared] }, dataDir);
    const unsafe = (await loadCatalog(testCatalog([mountLab('unsafe', path.join(shared, 'api'))]), policy)).profiles[0]!;
    const results = await runAudit({
      docker: () => docker,
      profile: unsafe,
      namespace: ns,
      log: memoryLogger(),
      diskMiB: 32,
      only: ['docker-socket'],
      policy,
      gateImage: trustedGateImage,
    });
    for (const l of lines(results)) console.log(l);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ blocked: false, evidence: expect.stringContaining(`${COURSE_TARGET}/deep/nested/docker.sock ANSWERS THE DOCKER API`) });
  }, 600_000);

  it('passes the socket line and every hostile-profile line for a lab with an approved course folder', async () => {
    const policy = testPolicy({ mountFolders: [shared] }, dataDir);
    const profile = (await loadCatalog(catalogDir, policy)).profiles.find((p) => p.id === 'course')!;
    const results = await runAudit({
      docker: () => docker,
      profile,
      namespace: ns,
      log: memoryLogger(),
      diskMiB: 32,
      only: ['docker-socket', 'hostile-profile'],
      policy,
      gateImage: trustedGateImage,
    });
    for (const l of lines(results)) console.log(l);
    expect(results.map((r) => r.attack.split(' ')[0])).toEqual(['8.', '14.', '14.', '14.', '14.', '14.']);
    expect(results.filter((r) => !r.blocked).map((r) => `${r.attack}: ${r.evidence}`)).toEqual([]);
    expect(results[0]!.evidence).toContain(`${COURSE_TARGET}`);
    const hostile = results
      .slice(1)
      .map((r) => r.evidence)
      .join(' | ');
    for (const field of ['mounts.0.source', 'mounts.0.target', 'server.user', 'runtime', 'image']) expect(hostile).toContain(`refused at ${field}`);
    expect(results.at(-1)!.evidence).toMatch(/Refused at start, no container made: .*data folder/);
  }, 600_000);
});
