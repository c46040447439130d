// The profile editor on the real engine: a lab saved with an extra Debian package (jq) is built FROM the
// python lab's image with the same progress as any build, labelled with its lab, opens, and has the
// package; its tag follows its package list; hostile profiles and a damaged saved file are refused and
// change nothing; deleting a saved lab keeps its workspace, and deleting it with its workspace makes a
// verified backup first.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageProgress, LabView } from '../../electron/api/contract';
import { labNames } from '../../electron/core/labs/naming';
import { docker, execIn, removeNamespace, testCore, uniqueNamespace } from '../support/docker';
import { codeOf } from '../support/fixtures';
import { refuseUnlimitedVolumes } from '../../electron/core/images/custom-image';
import { Profile } from '../../electron/core/profiles/schema';
import tar from 'tar-stream';

const ns = uniqueNamespace();
const LAB = 'jqlab';
let core: Awaited<ReturnType<typeof testCore>>;
let dataDir: string;
const changed: LabView[] = [];
const progress: ImageProgress[] = [];
const built = new Set<string>();

const draft = (extra: Record<string, unknown> = {}) => ({
  id: LAB,
  title: 'Python with jq',
  description: 'The python lab and the jq JSON tool.',
  image: 'ignored/by-the-editor:1',
  build: { base: 'python', packages: ['jq'], lines: ['RUN jq --version > /etc/classlab-jq-version'] },
  resources: { memoryMiB: 1024, cpus: 1, pids: 512, diskMiB: 64 },
  idleMinutes: 30,
  ...extra,
});

const listed = async (id: string) => (await core.service['labs:list']()).labs.find((l) => l.id === id);
const savedFile = () => path.join(dataDir, 'profiles', 'catalog.json');

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-editor-'));
  core = await testCore(ns, { dataDir });
  core.subscribe('labs:changed', (v) => changed.push(v));
  core.subscribe('images:progress', (p) => progress.push(p));
  if ((await listed('python'))?.phase === 'image-missing') throw new Error('classlab/python:3 is not built: this test builds on it');
});

afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
  for (const tag of built)
    await docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
});

describe('the profile editor', () => {
  it('lists the bundled python lab as a base', async () => {
    const list = await core.service['profiles:list']();
    expect(list.profiles.find((p) => p.id === 'python')).toMatchObject({ origin: 'bundled', base: true, replaces: null });
    expect(list.courseFolders).toEqual([]);
  });

  it('refuses hostile profiles by field, and saves nothing', async () => {
    const hostile: Array<[string, Record<string, unknown>]> = [
      ['build.lines.0', draft({ build: { base: 'python', lines: ['FROM debian:trixie-slim'] } })],
      ['build.lines.0', draft({ build: { base: 'python', lines: ['VOLUME /data'] } })],
      ['build.lines.0', draft({ build: { base: 'python', lines: ['RUN true \\'] } })],
      ['build.packages.0', draft({ build: { base: 'python', packages: ['-oAPT::Get::AllowUnauthenticated=true'] } })],
      ['build.packages.0', draft({ build: { base: 'python', packages: ['jq; rm -rf /'] } })],
      ['image', draft({ build: undefined, image: 'classlab/gate:3' })],
      ['runtime', draft({ runtime: 'runc' })],
      ['server.user', draft({ server: { user: '0:0' } })],
      ['mounts.0.source', draft({ mounts: [{ kind: 'course', source: '/etc', target: '/home/student/course' }] })],
      ['build.context', draft({ build: { context: 'gate' }, image: 'classlab/python:3' })],
      ['id', draft({ id: 'python' })],
    ];
    for (const [field, d] of hostile) {
      const check = await core.service['profiles:check'](d, { create: true });
      expect(
        check.problems.map((p) => p.field),
        JSON.stringify(d),
      ).toContain(field);
      expect(await codeOf(core.service['profiles:save'](d, { create: true }))).toBe('PROFILE_INVALID');
    }
    expect(existsSync(savedFile())).toBe(false);
    expect(await listed(LAB)).toBeUndefined();
  });

  it('a damaged saved file is a clear error and is left as it is', async () => {
    mkdirSync(path.dirname(savedFile()), { recursive: true });
    writeFileSync(savedFile(), '{"schema": 1, "labs": [ {"id": "x"');
    const err = await core.service['profiles:save'](draft(), { create: true }).catch((e: { code: string; message: string }) => e);
    expect(err).toMatchObject({ code: 'PROFILE_INVALID' });
    expect((err as { message: string }).message).toMatch(/not valid JSON.*Nothing was changed/);
    expect(readFileSync(savedFile(), 'utf8')).toBe('{"schema": 1, "labs": [ {"id": "x"');
    writeFileSync(savedFile(), JSON.stringify({ schema: 1, labs: [] }));
  });

  it('saves a lab built on python with jq: it is in the launcher at once, its image named by its packages', async () => {
    const saved = await core.service['profiles:save'](draft(), { create: true });
    expect(saved).toMatchObject({ id: LAB, origin: 'saved', replaces: null });
    expect(saved.image).toMatch(/^classlab\/custom-jqlab:[0-9a-f]{16}$/);
    built.add(saved.image);
    expect(changed.some((v) => v.id === LAB)).toBe(true);
    expect(await listed(LAB)).toMatchObject({ phase: 'image-missing', source: 'build', image: saved.image });
    // The same list is the same tag; another list another tag.
    expect((await core.service['profiles:check'](draft(), { create: false })).image).toBe(saved.image);
    const other = await core.service['profiles:check'](draft({ build: { base: 'python', packages: ['jq', 'cowsay'] } }), { create: false });
    expect(other.problems).toEqual([]);
    expect(other.image).not.toBe(saved.image);
  });

  it('builds it FROM the python image with progress for its lab, labelled, its last user the lab user', async () => {
    const view = await core.service['images:prepare'](LAB);
    expect(view.phase).toBe('stopped');
    const ours = progress.filter((p) => p.labId === LAB);
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.some((p) => p.lines.some((l) => /apt-get install/.test(l)))).toBe(true);
    const image = await docker.getImage(view.image).inspect();
    const python = await docker.getImage('classlab/python:3').inspect();
    expect(image.Config.Labels).toMatchObject({ 'classlab.custom.lab': LAB, 'classlab.custom.base-lab': 'python', 'classlab.base-image': python.Id });
    expect(image.Config.User).toBe('1000:1000');
    const layers = python.RootFS.Layers ?? [];
    expect(image.RootFS.Layers?.slice(0, layers.length)).toEqual(layers);
  }, 900_000);

  it('opens, and jq is there for the student', async () => {
    const view = await core.service['labs:open'](LAB);
    expect(view.phase).toBe('ready');
    const container = labNames(ns, LAB).container;
    const jq = await execIn(container, ['sh', '-c', `echo '{"answer": 42}' | jq .answer`]);
    expect(jq).toEqual({ code: 0, out: '42' });
    expect((await execIn(container, ['cat', '/etc/classlab-jq-version'])).out).toMatch(/^jq-1\./);
    expect((await execIn(container, ['id', '-u'])).out).toBe('1000');
    expect((await execIn(container, ['sh', '-c', 'echo kept > /home/student/work/mine.txt'])).code).toBe(0);
  }, 300_000);

  it('deleting the lab keeps its workspace', async () => {
    const result = await core.service['profiles:delete'](LAB, { deleteWorkspace: false });
    expect(result).toMatchObject({ labId: LAB, backup: null, workspaceDeleted: false, restored: null });
    expect(await listed(LAB)).toBeUndefined();
    expect(await docker.getVolume(labNames(ns, LAB).workspaceVolume).inspect()).toBeTruthy();
    expect(await codeOf(core.service['profiles:delete']('python', { deleteWorkspace: true }))).toBe('NOT_SUPPORTED');
  }, 120_000);

  it('deleting it with its workspace makes a verified backup first', async () => {
    await core.service['profiles:save'](draft(), { create: true });
    expect((await listed(LAB))?.phase).toBe('stopped');
    const result = await core.service['profiles:delete'](LAB, { deleteWorkspace: true });
    expect(result.workspaceDeleted).toBe(true);
    expect(result.backup).not.toBeNull();
    expect(existsSync(result.backup!.file)).toBe(true);
    expect(result.backup!.files).toBeGreaterThanOrEqual(1);
    const gone = await docker
      .getVolume(labNames(ns, LAB).workspaceVolume)
      .inspect()
      .then(
        () => false,
        (err: { statusCode?: number }) => err.statusCode === 404,
      );
    expect(gone).toBe(true);
    const backups = await core.service['host:backups']();
    expect(backups.some((b) => b.lab === LAB && b.file === result.backup!.file)).toBe(true);
  }, 180_000);

  it("an image that declares a VOLUME outside the lab's own mounts is removed and refused", async () => {
    const tag = `classlab-test/volume-${ns}:1`;
    const context = tar.pack();
    context.entry({ name: 'Dockerfile' }, 'FROM classlab/python:3\nVOLUME /data\n');
    context.finalize();
    const stream = await docker.buildImage(context as never, { t: tag, rm: true, forcerm: true, labels: { 'classlab.test': 'volume' } });
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
    built.add(tag);
    const profile = Profile.parse({ id: 'vol', title: 'Volume', image: tag });
    await expect(refuseUnlimitedVolumes(docker, profile)).rejects.toMatchObject({ code: 'BUILD_FAILED', message: expect.stringMatching(/VOLUME \/data/) });
    const gone = await docker
      .getImage(tag)
      .inspect()
      .then(
        () => false,
        (err: { statusCode?: number }) => err.statusCode === 404,
      );
    expect(gone).toBe(true);
    // The python image itself declares none: it passes.
    await refuseUnlimitedVolumes(docker, Profile.parse({ id: 'python', title: 'Python', image: 'classlab/python:3' }));
  }, 120_000);

  it('a lab whose image arrived with a VOLUME by another way (docker load, a moved tag) is not started', async () => {
    const tag = `classlab-test/volume-open-${ns}:1`;
    const context = tar.pack();
    context.entry({ name: 'Dockerfile' }, 'FROM classlab/python:3\nVOLUME /srv/unlimited\n');
    context.finalize();
    const stream = await docker.buildImage(context as never, { t: tag, rm: true, forcerm: true, labels: { 'classlab.test': 'volume' } });
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
    built.add(tag);
    // Saved as a lab from an image name: ClassLab never built or pulled it, so only the open can check it.
    const id = 'volopen';
    await core.service['profiles:save'](
      {
        id,
        title: 'Loaded image',
        description: 'An image that came by docker load.',
        image: tag,
        resources: { memoryMiB: 1024, cpus: 1, pids: 512, diskMiB: 64 },
      },
      { create: true },
    );
    const err = await core.service['labs:open'](id).catch((e: { code: string; message: string }) => e);
    expect(err).toMatchObject({ code: 'START_FAILED', message: expect.stringMatching(/VOLUME \/srv\/unlimited/) });
    // Nothing was made for it: no lab container with the image's anonymous volume.
    const made = await docker.listContainers({ all: true, filters: { name: [labNames(ns, id).container] } });
    expect(made).toEqual([]);
    await core.service['profiles:delete'](id, { deleteWorkspace: false });
  }, 180_000);
});
