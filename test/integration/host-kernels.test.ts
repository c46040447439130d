// Issue #13, the overview's running-kernels column on the real engine: a lab whose notebook server runs
// no kernel shows 0, one kernel started through the server's own API shows 1 — in host:status of a core
// whose idle watcher samples the lab (the count it already read is reused) and in `classlab status --json`
// of the built CLI (a fresh process, no sample yet: one request to api/kernels) — and 0 again once the
// kernel is shut down. A lab that is not running has no figure (null).
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostStatus } from '../../electron/api/contract';
import { KernelClient } from '../../electron/core/audit/kernel';
import { serverOf } from '../../electron/core/host/idle-probe';
import type { ClassLabCore } from '../../electron/core/types';
import { removeNamespace, testCatalog, testCore, testSettings, uniqueNamespace } from '../support/docker';
import { CLI, runCli } from '../support/serve';

const ns = uniqueNamespace('clkern');
const lab = (id: string) => ({
  id,
  title: `Kernels ${id}`,
  image: 'classlab/python:3',
  build: { context: 'python' },
  network: 'none',
  resources: { memoryMiB: 512, cpus: 1, pids: 256, diskMiB: 128 },
});
const catalogDir = testCatalog([lab('kernlab'), lab('idlelab')]);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-kernels-'));
let core: ClassLabCore;
let kernel: KernelClient | null = null;

/** Reads host:status until the lab's kernel figure is `want` (the watcher's sample may be a round behind). */
async function kernelsBecome(want: number, labId = 'kernlab'): Promise<HostStatus> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = HostStatus.parse(await core.service['host:status']());
    if (status.labs.find((l) => l.labId === labId)?.kernels === want) return status;
    if (Date.now() > deadline) throw new Error(`kernels never became ${want}: ${JSON.stringify(status.labs.map((l) => [l.labId, l.kernels]))}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

beforeAll(async () => {
  expect(existsSync(CLI), 'run `npm run build` first: the CLI test uses dist/cli.js').toBe(true);
  core = await testCore(ns, { catalogDir, dataDir, settings: testSettings(), idle: { sampleEveryMs: 2000 } });
  await core.service['labs:open']('kernlab');
}, 300_000);

afterAll(async () => {
  await kernel?.close();
  await core?.close();
  await removeNamespace(ns);
}, 120_000);

describe('running kernels in the overview', () => {
  it('shows 0 for a ready lab without a kernel and nothing for a lab that is not running', async () => {
    const status = await kernelsBecome(0);
    expect(status.labs.find((l) => l.labId === 'idlelab')).toMatchObject({ phase: 'stopped', kernels: null });
  });

  it('shows 1 once a kernel is started, in host:status and in `classlab status --json`', async () => {
    const server = serverOf(core.notebookUrl('kernlab'))!;
    kernel = new KernelClient(server.base, server.token);
    await kernel.start();
    const status = await kernelsBecome(1);
    expect(status.labs.find((l) => l.labId === 'kernlab')).toMatchObject({ phase: 'ready', kernels: 1 });

    const env = { ...process.env, CLASSLAB_HOME: dataDir, CLASSLAB_CATALOG: catalogDir, CLASSLAB_NAMESPACE: ns, CLASSLAB_ADMIN_PIN: '4711' };
    const r = await runCli(['status', '--json'], env);
    expect(r.code, r.err).toBe(0);
    const fromCli = HostStatus.parse(JSON.parse(r.out));
    expect(fromCli.labs.find((l) => l.labId === 'kernlab')?.kernels).toBe(1);
    expect(fromCli.labs.find((l) => l.labId === 'idlelab')?.kernels).toBeNull();
    const table = await runCli(['status'], env);
    expect(table.out).toMatch(/^LAB .* KERNELS$/m);
    expect(table.out).toMatch(/^kernlab +ready .* 1$/m);
  }, 180_000);

  it('shows 0 again once the kernel is shut down', async () => {
    await kernel!.close();
    kernel = null;
    await kernelsBecome(0);
  }, 120_000);
});
