// Spare run sandboxes on the real engine (runs/run-spares.ts): a ClassLab that stays up keeps one started
// sandbox for the next run of the same kind; a run that takes it gets every verdict a cold run gets (its
// wall time counted from its own input, not from when the spare was made), the spare serves one run and
// goes with it, one that died meanwhile is replaced by a cold run, and closing ClassLab leaves nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../electron/api/contract';
import { docker, removeNamespace, testCore, uniqueNamespace } from '../support/docker';

const ns = uniqueNamespace('clspare');
let core: Awaited<ReturnType<typeof testCore>>;
const LIMITS = { cpuSeconds: 3, wallSeconds: 8 };

async function runContainers(onlyRunning = false) {
  return docker.listContainers({ all: !onlyRunning, filters: { label: ['classlab.role=quick-run', `classlab.instance=${ns}`] } });
}

/**
 * As many spares as runs may go at once (the default cap, 2), started, and no other run container (a run
 * answers before its container's removal ends: that one is gone first); resolves with one of them.
 */
async function spareAppears(): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const all = await runContainers();
    if (all.length === 2 && all.every((c) => c.State === 'running')) return all[0]!.Id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the spare sandboxes did not appear');
}

const run = (code: string, stdin = ''): Promise<RunResult> => core.service['runs:run']({ lab: 'python', lang: 'python', code, stdin });

beforeAll(async () => {
  core = await testCore(ns, { runLimits: LIMITS, warmLabs: true });
});
afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
});

describe('spare run sandboxes', () => {
  it('after a run, spares of its kind wait (as many as runs may go at once), started, running nothing but the driver', async () => {
    expect((await run('print("hello")')).stdout).toBe('hello\n');
    const id = await spareAppears();
    const top = (await docker.getContainer(id).top()) as { Processes: string[][] };
    const commands = top.Processes.map((p) => p[p.length - 1] ?? '');
    // The init and the driver's shell, blocked on its header line; no program (nor any python) yet.
    expect(commands.length).toBeLessThanOrEqual(2);
    expect(commands.some((c) => /\bsh\b/.test(c))).toBe(true);
    expect(commands.some((c) => /^\S*python/.test(c))).toBe(false);
  });

  it('the next run takes it: the same sandbox, its own input, and the spare is gone with the run', async () => {
    await spareAppears();
    const before = new Set((await runContainers(true)).map((c) => c.Id));
    const echoed = await run('import sys\nsys.stdout.write(sys.stdin.read())', 'ping 42\n');
    expect(echoed).toMatchObject({ verdict: 'accepted', stdout: 'ping 42\n' });
    // One of them served the run and is gone with it; a new one takes its place.
    const next = await spareAppears();
    const after = new Set((await runContainers(true)).map((c) => c.Id));
    expect([...before].filter((id) => after.has(id))).toHaveLength(1);
    expect([...after].filter((id) => !before.has(id))).toHaveLength(1);
    const inspect = await docker.getContainer(next).inspect();
    expect(inspect.HostConfig.NetworkMode).toBe('none');
    expect(inspect.HostConfig.ReadonlyRootfs).toBe(true);
    expect(inspect.HostConfig.CapDrop).toEqual(['ALL']);
  });

  it('limits hold in a spare, the wall time counted from the run’s own input', async () => {
    await spareAppears();
    // The spare has waited: a wall clock from its start would have stopped this at once.
    await new Promise((r) => setTimeout(r, LIMITS.wallSeconds * 1000 + 500));
    const slow = await run('import time\ntime.sleep(1)\nprint("slept")');
    expect(slow).toMatchObject({ verdict: 'accepted', stdout: 'slept\n' });
    expect(slow.timeMs).toBeGreaterThanOrEqual(1000);
    expect(slow.timeMs).toBeLessThan(LIMITS.wallSeconds * 1000);
    await spareAppears();
    expect((await run('while True:\n    pass')).verdict).toBe('time-limit');
    await spareAppears();
    expect((await run('x = []\nwhile True:\n    x.append(bytearray(16 * 1024 * 1024))')).verdict).toBe('memory-limit');
    await spareAppears();
    expect((await run('print("unclosed"\n')).verdict).toBe('compile-error');
  }, 120_000);

  it('a spare that died meanwhile is not used: the run goes cold and answers', async () => {
    await spareAppears();
    for (const c of await runContainers(true)) await docker.getContainer(c.Id).kill();
    // Each run finds one dead spare, leaves it, and runs cold; the spares are made again meanwhile.
    expect((await run('print(6 * 7)')).stdout).toBe('42\n');
    expect((await run('print(6 * 8)')).stdout).toBe('48\n');
  });

  it('closing ClassLab removes the spare and its /box', async () => {
    await spareAppears();
    await core.close();
    expect(await runContainers()).toEqual([]);
    const { Volumes } = await docker.listVolumes({ filters: { label: [`classlab.instance=${ns}`, 'classlab.role=quick-run'] } });
    expect(Volumes ?? []).toEqual([]);
    core = await testCore(ns, { runLimits: LIMITS });
  });
});
