// The python lab on the real engine: sandbox, token, loopback-only port, a workspace that survives stop,
// start and reset, and adoption of a running lab by a second ClassLab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import os from 'node:os';
import { containersOf, docker, ensureImages, execIn, removeNamespace, testCore, uniqueNamespace } from '../support/docker';
import type { ClassLabCore } from '../../electron/core/types';
import { labNames } from '../../electron/core/labs/naming';

const ns = uniqueNamespace();
const names = labNames(ns, 'python');
let core: Awaited<ReturnType<typeof testCore>>;
let base: string;
let token: string;

const notebook = {
  cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: 'print(6*7)' }],
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
};

async function api(path: string, init: RequestInit = {}, withToken = true): Promise<Response> {
  return fetch(new URL(`api/${path}`, base), {
    ...init,
    headers: { 'Content-Type': 'application/json', ...(withToken ? { Authorization: `token ${token}` } : {}) },
  });
}

async function openLab(c: ClassLabCore): Promise<void> {
  const view = await c.service['labs:open']('python');
  expect(view.phase).toBe('ready');
  const url = new URL(view.notebookUrl!);
  base = `${url.origin}/`;
  token = url.searchParams.get('token')!;
}

beforeAll(async () => {
  core = await testCore(ns);
  await ensureImages(core);
});

afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
});

describe('python lab on a real engine', () => {
  it('opens, and the notebook answers with the token and only with it', async () => {
    await openLab(core);
    expect((await api('status')).status).toBe(200);
    expect((await api('status', {}, false)).status).toBe(403);
    const wrong = await fetch(new URL('api/status', base), { headers: { Authorization: 'token wrong' } });
    expect(wrong.status).toBe(403);
  });

  it('publishes its port on 127.0.0.1 only', async () => {
    const gate = await docker.getContainer(names.gate).inspect();
    const bindings = Object.values(gate.NetworkSettings.Ports ?? {})
      .flat()
      .filter(Boolean);
    expect(bindings.length).toBeGreaterThan(0);
    for (const b of bindings) expect(b!.HostIp).toBe('127.0.0.1');
    const lab = await docker.getContainer(names.container).inspect();
    expect(Object.keys(lab.NetworkSettings.Ports ?? {})).toEqual([]);
    const port = Number(new URL(base).port);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const reached = await new Promise<boolean>((resolve) => {
        const s = net.connect({ host: external.address, port, timeout: 2000 }, () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
        s.on('timeout', () => {
          s.destroy();
          resolve(false);
        });
      });
      expect(reached, `port ${port} must not answer on ${external.address}`).toBe(false);
    }
  });

  it('runs sandboxed: non-root, no capabilities, no-new-privileges, pids and memory limits, no network', async () => {
    const info = await docker.getContainer(names.container).inspect();
    expect(info.Config.User).toBe('1000:1000');
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges:true');
    expect(info.HostConfig.PidsLimit).toBe(512);
    expect(info.HostConfig.Memory).toBe(2048 * 1024 * 1024);
    expect(info.HostConfig.NetworkMode).toBe('none');
    expect(info.HostConfig.ReadonlyRootfs).toBe(true);
    expect(info.HostConfig.Binds ?? []).toEqual([]);

    const id = await execIn(names.container, ['id', '-u']);
    expect(id.out.trim()).toBe('1000');
    const status = await execIn(names.container, ['cat', '/proc/1/status']);
    expect(status.out).toMatch(/CapEff:\s+0000000000000000/);
    expect(status.out).toMatch(/CapBnd:\s+0000000000000000/);
    expect(status.out).toMatch(/NoNewPrivs:\s+1/);
    const ifaces = await execIn(names.container, ['cat', '/proc/net/dev']);
    const devices = ifaces.out
      .split('\n')
      .slice(2)
      .map((l) => l.trim().split(':')[0])
      .filter(Boolean);
    expect(devices).toEqual(['lo']);
    const sock = await execIn(names.container, ['sh', '-c', 'ls -l /var/run/docker.sock /run/docker.sock 2>&1; true']);
    expect(sock.out).toMatch(/No such file/);
  });

  it('keeps the token out of command lines and logs', async () => {
    const info = await docker.getContainer(names.container).inspect();
    expect(JSON.stringify([info.Path, info.Args, info.Config.Cmd, info.Config.Entrypoint])).not.toContain(token);
    const ps = await execIn(names.container, ['ps', '-eo', 'args']);
    expect(ps.out).toContain('jupyter');
    expect(ps.out).not.toContain(token);
    const logs = (await docker.getContainer(names.container).logs({ stdout: true, stderr: true })) as unknown as Buffer;
    expect(logs.toString()).not.toContain(token);
    expect(core.log.lines.join('\n')).not.toContain(token);
  });

  it('keeps a notebook saved through the contents API across stop, start and reset', async () => {
    const put = await api('contents/hello.ipynb', { method: 'PUT', body: JSON.stringify({ type: 'notebook', format: 'json', content: notebook }) });
    expect(put.status).toBeLessThan(300);

    // Files written in the container belong to the lab user (uid 1000, the desktop user on most Linux PCs).
    const owner = await execIn(names.container, ['stat', '-c', '%u:%g', '/home/student/work/hello.ipynb']);
    expect(owner.out.trim()).toBe('1000:1000');

    const stopped = await core.service['labs:stop']('python');
    expect(stopped.phase).toBe('stopped');
    await openLab(core);
    let got = (await (await api('contents/hello.ipynb')).json()) as { content: typeof notebook };
    expect(got.content.cells[0]?.source).toBe('print(6*7)');

    const oldId = (await docker.getContainer(names.container).inspect()).Id;
    const reset = await core.service['labs:reset']('python');
    expect(reset.phase).toBe('stopped');
    expect(await containersOf(ns, 'python')).toHaveLength(0);
    await openLab(core);
    expect((await docker.getContainer(names.container).inspect()).Id).not.toBe(oldId);
    got = (await (await api('contents/hello.ipynb')).json()) as { content: typeof notebook };
    expect(got.content.cells[0]?.source).toBe('print(6*7)');
  });

  it('lets the desktop user read files made in the container and write files the student can edit', async () => {
    await execIn(names.container, ['sh', '-c', 'echo made in the lab > /home/student/work/from-shell.txt']);
    const download = await fetch(new URL('files/from-shell.txt', base), { headers: { Authorization: `token ${token}` } });
    expect(await download.text()).toBe('made in the lab\n');

    const upload = await api('contents/from-desktop.txt', {
      method: 'PUT',
      body: JSON.stringify({ type: 'file', format: 'text', content: 'from the desktop' }),
    });
    expect(upload.status).toBeLessThan(300);
    const edit = await execIn(names.container, [
      'sh',
      '-c',
      'echo edited >> /home/student/work/from-desktop.txt && stat -c %u /home/student/work/from-desktop.txt',
    ]);
    expect(edit).toEqual({ code: 0, out: '1000' });
  });

  it('a second ClassLab adopts the running lab instead of making another', async () => {
    const second = await testCore(ns);
    try {
      const { labs } = await second.service['labs:list']();
      const python = labs.find((l) => l.id === 'python')!;
      expect(python.phase).toBe('ready');
      expect(new URL(python.notebookUrl!).searchParams.get('token')).toBe(token);
      const again = await second.service['labs:open']('python');
      expect(again.notebookUrl).toBe(python.notebookUrl);
      const all = await containersOf(ns, 'python');
      expect(all.map((c) => c.Labels['classlab.role']).sort()).toEqual(['gate', 'lab']);
    } finally {
      await second.close();
    }
  });

  it('after ClassLab quits, a new start finds the lab ready with no duplicate or orphan', async () => {
    await core.close();
    core = await testCore(ns);
    const { labs } = await core.service['labs:list']();
    expect(labs.find((l) => l.id === 'python')?.phase).toBe('ready');
    expect(await containersOf(ns, 'python')).toHaveLength(2);
  });

  it('notices a lab stopped behind its back (docker stop) through events', async () => {
    const seen: string[] = [];
    const off = core.subscribe('labs:changed', (v) => seen.push(v.phase));
    await docker.getContainer(names.container).stop({ t: 2 });
    await expect.poll(() => seen.at(-1), { timeout: 15_000 }).toBe('stopped');
    off();
  });

  it('a stop by another ClassLab is seen as a stop, and nothing is started again', async () => {
    await openLab(core);
    const seen: string[] = [];
    const off = core.subscribe('labs:changed', (v) => seen.push(v.phase));
    const other = await testCore(ns);
    try {
      expect((await other.service['labs:stop']('python')).phase).toBe('stopped');
    } finally {
      await other.close();
    }
    await expect.poll(() => seen.at(-1), { timeout: 15_000 }).toBe('stopped');
    // Give a wrong adoption time to happen, then check that both containers are still stopped.
    await new Promise((r) => setTimeout(r, 3000));
    const states = (await containersOf(ns, 'python')).map((c) => c.State);
    expect(states).toEqual(['exited', 'exited']);
    expect(seen).not.toContain('error');
    off();
  });
});
