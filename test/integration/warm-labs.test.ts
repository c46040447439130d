// Warm labs on the real engine (issue #15): a started sandbox kept for a stopped lab, claimed by Open with
// every guarantee of a cold open — a token no earlier lab saw, the lab's own workspace, the same sandbox,
// names Docker keeps across a crash, nothing left of an earlier session's scratch — and the first thing
// to go when the cap is reached or the setting stops asking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabView } from '../../electron/api/contract';
import { createSettingsStore } from '../../electron/core/settings';
import { labNames, warmNames } from '../../electron/core/labs/naming';
import { docker, execIn, removeNamespace, testCatalog, testCore, uniqueNamespace } from '../support/docker';

const ns = uniqueNamespace();
const names = labNames(ns, 'python');
const warm = warmNames(names);
const store: Record<string, unknown> = { warmLabs: { labs: ['python'], windows: [] }, maxRunningLabs: 1 };
const settings = createSettingsStore({ store, set: (k, v) => void (store[k] = v) });
let catalogDir: string;
let core: Awaited<ReturnType<typeof testCore>>;

function startCore() {
  return testCore(ns, { catalogDir, settings, warmLabs: true, warmEveryMs: 500 });
}

async function view(id = 'python'): Promise<LabView> {
  return (await core.service['labs:list']()).labs.find((l) => l.id === id)!;
}

async function until(what: string, test: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function inspect(name: string) {
  return docker
    .getContainer(name)
    .inspect()
    .catch(() => null);
}

function tokenOf(info: Awaited<ReturnType<typeof inspect>>): string | undefined {
  return info?.Config.Env.find((e) => e.startsWith('JUPYTER_TOKEN='))?.slice('JUPYTER_TOKEN='.length);
}

async function status(url: string): Promise<number> {
  const u = new URL(url);
  return (await fetch(new URL('api/status', u.origin), { headers: { Authorization: `token ${u.searchParams.get('token')}` } })).status;
}

beforeAll(async () => {
  catalogDir = testCatalog([
    { id: 'python', title: 'Python', image: 'classlab/python:3', build: { context: 'python' } },
    { id: 'python-two', title: 'Python two', image: 'classlab/python:3', build: { context: 'python' } },
  ]);
  core = await startCore();
});

afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
});

describe('warm labs', () => {
  let first: { id: string; token: string };

  it('keeps a warm lab for a stopped lab: the same sandbox, under names of its own, its port on 127.0.0.1 only', async () => {
    await until('the python lab to be warm', async () => (await view()).warm);
    expect((await view()).phase).toBe('stopped');
    const lab = await inspect(warm.container);
    const gate = await inspect(warm.gate);
    expect(lab?.State.Status).toBe('running');
    expect(gate?.State.Status).toBe('running');
    expect(await inspect(names.container)).toBeNull();
    // The sandbox of any lab: no network, no capabilities, a read-only root, the lab user.
    expect(lab!.HostConfig.NetworkMode).toBe('none');
    expect(lab!.HostConfig.CapDrop).toEqual(['ALL']);
    expect(lab!.HostConfig.ReadonlyRootfs).toBe(true);
    expect(lab!.Config.User).toBe('1000:1000');
    expect(lab!.Config.Labels['classlab.lab']).toBe('python');
    for (const b of Object.values(gate!.NetworkSettings.Ports ?? {}).flat()) expect(b?.HostIp).toBe('127.0.0.1');
    first = { id: lab!.Id, token: tokenOf(lab)! };
    // The overview (and `classlab status`) says so, from Docker, and counts no figures of a lab that is not open.
    const row = (await core.service['host:status']()).labs.find((l) => l.labId === 'python')!;
    expect(row).toMatchObject({ phase: 'stopped', warm: true, uptimeSeconds: null });
    expect(first.token).toMatch(/^[0-9a-f]{48}$/);
  });

  it('Open claims it: the same containers under the lab’s names, ready at once, no longer warm', async () => {
    const t = Date.now();
    const opened = await core.service['labs:open']('python');
    const ms = Date.now() - t;
    expect(opened.phase).toBe('ready');
    expect(opened.warm).toBe(false);
    expect(new URL(opened.notebookUrl!).searchParams.get('token')).toBe(first.token);
    expect(await status(opened.notebookUrl!)).toBe(200);
    expect((await inspect(names.container))?.Id).toBe(first.id);
    expect(await inspect(warm.container)).toBeNull();
    expect(await inspect(warm.gate)).toBeNull();
    // Reported, not asserted as a time limit (the bench measures it): a claim is a rename and a probe.
    console.log(`open with a warm lab: ${ms} ms`);
    // What this session leaves: a file in the workspace (kept) and one in the scratch home (not kept).
    expect((await execIn(names.container, ['sh', '-c', 'echo mine > "$PWD/kept.txt" && echo scratch > "$HOME/scratch.txt"'])).code).toBe(0);
  });

  it('keeps no warm lab while the lab runs', async () => {
    await new Promise((r) => setTimeout(r, 2000));
    expect(await inspect(warm.container)).toBeNull();
    expect((await view()).warm).toBe(false);
  });

  it('after Stop, a new warm lab: a new container and token, the workspace kept, the scratch home empty', async () => {
    await core.service['labs:stop']('python');
    await until('the python lab to be warm again', async () => (await view()).warm);
    const lab = await inspect(warm.container);
    expect(lab!.Id).not.toBe(first.id);
    expect(tokenOf(lab)).not.toBe(first.token);
    const opened = await core.service['labs:open']('python');
    expect(new URL(opened.notebookUrl!).searchParams.get('token')).toBe(tokenOf(lab));
    const seen = (await execIn(names.container, ['sh', '-c', 'cat "$PWD/kept.txt"; ls -A "$HOME"'])).out;
    expect(seen).toContain('mine');
    expect(seen).not.toContain('scratch.txt');
    await core.service['labs:stop']('python');
    await until('the python lab to be warm again', async () => (await view()).warm);
  });

  it('a restarted ClassLab finds the warm lab by its names and keeps it', async () => {
    const before = (await inspect(warm.container))!.Id;
    await core.close();
    core = await startCore();
    await until('the warm lab to be found', async () => (await view()).warm, 30_000);
    expect((await inspect(warm.container))!.Id).toBe(before);
  });

  it('goes first when the cap is reached: opening another lab stops the warm one instead of refusing', async () => {
    const opened = await core.service['labs:open']('python-two');
    expect(opened.phase).toBe('ready');
    expect(await inspect(warm.container)).toBeNull();
    expect((await view()).warm).toBe(false);
    // While the other lab holds the only place, no warm lab comes back.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await inspect(warm.container)).toBeNull();
    await core.service['labs:stop']('python-two');
    await until('the python lab to be warm again', async () => (await view()).warm);
  });

  it('is removed when the setting stops asking for it (a window that is not now)', async () => {
    const notToday = (new Date().getDay() + 3) % 7;
    await core.service['settings:update']({ warmLabs: { labs: ['python'], windows: [{ days: [notToday], from: '00:00', until: '23:59' }] } });
    await until('the warm lab to be removed', async () => !(await view()).warm && (await inspect(warm.container)) === null, 30_000);
    expect(await inspect(warm.gate)).toBeNull();
  });

  it('refuses a window that ends before it starts and changes nothing', async () => {
    const before = (await core.service['settings:get']()).warmLabs;
    await expect(core.service['settings:update']({ warmLabs: { labs: ['python'], windows: [{ days: [1], from: '10:00', until: '09:00' }] } })).rejects.toThrow(
      /end after it starts/,
    );
    expect((await core.service['settings:get']()).warmLabs).toEqual(before);
  });
});
