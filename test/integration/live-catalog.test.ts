// The catalog while ClassLab runs, on the real engine: catalog.json rewritten under a running core adds
// a lab (labs:changed), a running lab whose profile changes keeps running with the old one until it is
// stopped (the change waits, the view says why, the container is untouched), a removed lab leaves the
// list (labs:removed) while Docker keeps its containers and workspace, and a re-added lab is adopted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LabView } from '../../electron/api/contract';
import { labNames } from '../../electron/core/labs/naming';
import { containersOf, docker, execIn, removeNamespace, testCatalog, testCore, uniqueNamespace } from '../support/docker';

const ns = uniqueNamespace();
const python = {
  id: 'python',
  title: 'Python notebook',
  image: 'classlab/python:3',
  build: { context: 'python' },
  resources: { memoryMiB: 1024, cpus: 1, pids: 512 },
};
const extra = { ...python, id: 'extra', title: 'Extra lab' };
const names = labNames(ns, 'extra');
const MiB = 1024 * 1024;

let catalogDir: string;
let core: Awaited<ReturnType<typeof testCore>>;
const changed: LabView[] = [];
const removed: string[] = [];

function writeCatalog(labs: unknown[]): void {
  writeFileSync(path.join(catalogDir, 'catalog.json'), JSON.stringify({ schema: 1, labs }));
}

async function listed(id: string): Promise<LabView | undefined> {
  return (await core.service['labs:list']()).labs.find((l) => l.id === id);
}

beforeAll(async () => {
  catalogDir = testCatalog([python]);
  core = await testCore(ns, { catalogDir });
  core.subscribe('labs:changed', (v) => changed.push(v));
  core.subscribe('labs:removed', ({ labId }) => removed.push(labId));
  // The bundled image is built by the setup (CI builds it beforehand); a missing one is built here.
  if ((await listed('python'))?.phase === 'image-missing') await core.service['images:prepare']('python');
});

afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
});

describe('a live catalog', () => {
  it('a profile added to the file appears in the launcher (labs:changed) without a restart', async () => {
    expect((await core.service['labs:list']()).labs.map((l) => l.id)).toEqual(['python']);
    writeCatalog([python, extra]);
    // No call from us: the watch on the catalog folder reads the file.
    await expect.poll(() => changed.some((v) => v.id === 'extra'), { timeout: 30_000, interval: 100 }).toBe(true);
    expect(await listed('extra')).toMatchObject({ title: 'Extra lab', phase: 'stopped', resources: { memoryMiB: 1024 } });
  });

  it('a file that is not valid JSON changes nothing and says why', async () => {
    writeFileSync(path.join(catalogDir, 'catalog.json'), '{"schema": 1, "labs": [');
    const change = await core.reloadCatalog();
    expect(change).toMatchObject({
      added: [],
      updated: [],
      removed: [],
      problems: [{ profile: 'catalog.json', field: '(file)', message: expect.stringContaining('not valid JSON') }],
    });
    expect((await core.service['labs:list']()).labs.map((l) => l.id)).toEqual(['python', 'extra']);
    writeCatalog([python, extra]);
    expect((await core.reloadCatalog()).problems).toEqual([]);
  });

  it('a running lab whose profile changes keeps running with the old profile, and says so, until it is stopped', async () => {
    expect((await core.service['labs:open']('extra')).phase).toBe('ready');
    const before = await docker.getContainer(names.container).inspect();
    expect(before.HostConfig.Memory).toBe(1024 * MiB);
    await execIn(names.container, ['sh', '-c', 'echo kept > /home/student/work/kept.txt'], '1000:1000');

    writeCatalog([python, { ...extra, title: 'Extra lab (bigger)', resources: { ...extra.resources, memoryMiB: 1536 } }]);
    const change = await core.reloadCatalog();
    expect(change.updated).toEqual([]);
    expect(change.waiting).toEqual([{ labId: 'extra', reason: expect.stringContaining('is running: it keeps its current profile until it is stopped') }]);
    const view = await listed('extra');
    expect(view).toMatchObject({
      phase: 'ready',
      title: 'Extra lab',
      resources: { memoryMiB: 1024 },
      reason: expect.stringContaining('runs with the previous settings until it is stopped'),
    });

    // Untouched: the same container, still running, with its old limit.
    const after = await docker.getContainer(names.container).inspect();
    expect({ id: after.Id, running: after.State.Running, startedAt: after.State.StartedAt, memory: after.HostConfig.Memory }).toEqual({
      id: before.Id,
      running: true,
      startedAt: before.State.StartedAt,
      memory: 1024 * MiB,
    });

    // Stopped, the new profile applies; the next open makes the container from it.
    expect(await core.service['labs:stop']('extra')).toMatchObject({ phase: 'stopped' });
    await expect.poll(async () => (await listed('extra'))?.title, { timeout: 10_000 }).toBe('Extra lab (bigger)');
    expect(await listed('extra')).toMatchObject({ reason: null, resources: { memoryMiB: 1536 } });
    expect((await core.service['labs:open']('extra')).phase).toBe('ready');
    expect((await docker.getContainer(names.container).inspect()).HostConfig.Memory).toBe(1536 * MiB);
    expect((await execIn(names.container, ['cat', '/home/student/work/kept.txt'], '1000:1000')).out).toBe('kept');
    await core.service['labs:stop']('extra');
  });

  it('a stopped lab removed from the file leaves the list (labs:removed); its containers and workspace stay', async () => {
    writeCatalog([python]);
    await expect.poll(() => removed, { timeout: 30_000, interval: 100 }).toEqual(['extra']);
    expect((await core.service['labs:list']()).labs.map((l) => l.id)).toEqual(['python']);
    await expect(core.service['labs:open']('extra')).rejects.toMatchObject({ code: 'LAB_NOT_FOUND' });
    await expect(docker.getVolume(names.workspaceVolume).inspect()).resolves.toMatchObject({ Name: names.workspaceVolume });
    expect((await containersOf(ns, 'extra')).map((c) => c.Names[0]).sort()).toEqual([`/${names.container}`, `/${names.gate}`].sort());
  });

  it('re-added, a lab running in Docker meanwhile is adopted: ready, with its own container and workspace', async () => {
    // Started behind ClassLab's back while it has no profile for it (a workshop script, another ClassLab).
    await docker.getContainer(names.container).start();
    await docker.getContainer(names.gate).start();
    const ids = (await containersOf(ns, 'extra')).map((c) => c.Id).sort();
    const token = ((await docker.getContainer(names.container).inspect()).Config.Env ?? []).find((e) => e.startsWith('JUPYTER_TOKEN='))!.split('=')[1]!;

    writeCatalog([python, { ...extra, title: 'Extra lab (bigger)', resources: { ...extra.resources, memoryMiB: 1536 } }]);
    await expect.poll(async () => (await listed('extra'))?.phase, { timeout: 120_000, interval: 250 }).toBe('ready');
    const view = (await listed('extra'))!;
    expect(new URL(view.notebookUrl!).searchParams.get('token')).toBe(token);
    // Nothing made again: the same two containers, the student's file still there.
    expect((await containersOf(ns, 'extra')).map((c) => c.Id).sort()).toEqual(ids);
    expect((await execIn(names.container, ['cat', '/home/student/work/kept.txt'], '1000:1000')).out).toBe('kept');
    await core.service['labs:stop']('extra');
  });
});
