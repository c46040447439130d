// Issue #13, idle auto-stop and the cap, on the real engine: three python labs with `idleMinutes: 1` (a
// test catalog), a core whose idle watcher samples every 2 s, counts a minute as 20 s and warns 8 s before
// the stop (the test-only clock options; the rule is the app's). A lab where nothing happens is warned, its
// open notebook is checkpointed and it is stopped after its minute, with its reason; a lab whose kernel runs
// a silent `time.sleep` loop and one whose kernel runs a silent busy loop are still running well after
// that, never warned (the sleeper's kernel is listed as idle by Notebook 6.4 once anything connects to it:
// electron/core/host/kernel-asks.ts). The cap (maxRunningLabs 2) refuses a third lab with TOO_MANY_LABS naming the two that run, through
// the core and through the built CLI (exit 14).
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabIdle, type IdleWarning } from '../../electron/api/contract';
import { KernelClient } from '../../electron/core/audit/kernel';
import { serverOf } from '../../electron/core/host/idle-probe';
import { removeNamespace, testCatalog, testCore, testSettings, uniqueNamespace } from '../support/docker';
import { codeOf } from '../support/fixtures';
import { CLI, runCli } from '../support/serve';

const ns = uniqueNamespace('clidle');
/** The test's idle minute. */
const MINUTE = 20_000;
const lab = (id: string) => ({
  id,
  title: `Idle ${id}`,
  image: 'classlab/python:3',
  build: { context: 'python' },
  network: 'none',
  idleMinutes: 1,
  resources: { memoryMiB: 768, cpus: 1, pids: 256, diskMiB: 128 },
});
const catalogDir = testCatalog([lab('quiet'), lab('sleeper'), lab('spinner')]);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-idle-'));
const settings = testSettings();
let core: Awaited<ReturnType<typeof testCore>>;
const warnings: IdleWarning[] = [];
const kernels: KernelClient[] = [];
/** When the last silent loop began. */
let loopsFrom = 0;

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1000);
  }
}

async function phase(id: string) {
  return (await core.service['labs:list']()).labs.find((l) => l.id === id)!;
}

/** Starts a silent loop in a fresh kernel of the lab; it keeps running (the kernel busy, no output). */
async function silentLoop(id: string, code: string): Promise<void> {
  const server = serverOf(core.notebookUrl(id))!;
  const kernel = new KernelClient(server.base, server.token);
  await kernel.start();
  kernels.push(kernel);
  void kernel.run(code, 30 * 60_000);
}

function cli(args: string[]) {
  return runCli(args, { ...process.env, CLASSLAB_HOME: dataDir, CLASSLAB_CATALOG: catalogDir, CLASSLAB_NAMESPACE: ns, CLASSLAB_ADMIN_PIN: '4711' });
}

beforeAll(async () => {
  expect(existsSync(CLI), 'run `npm run build` first: the CLI test uses dist/cli.js').toBe(true);
  settings.update({ maxRunningLabs: 2 });
  // The command line's own settings (its data folder): the setter, behind the admin PIN (the first sets it).
  const set = await cli(['admin', 'max-labs', '2']);
  expect(set.code, set.err).toBe(0);
  expect(set.out).toContain('At most 2 labs run at once');
  expect((await cli(['admin', 'max-labs', '0'])).code).toBe(2);
  core = await testCore(ns, { catalogDir, dataDir, settings, idle: { sampleEveryMs: 2000, warnMs: 8000, minuteMs: MINUTE } });
  core.subscribe('labs:idleWarning', (w) => warnings.push(w));
});

afterAll(async () => {
  // What the watcher saw when it warned or stopped a lab (states and ages only), for a failure's reader.
  console.info(`idle watcher log:\n${core?.log.lines.filter((l) => /idle/.test(l)).join('\n')}`);
  for (const k of kernels) await k.close().catch(() => undefined);
  await core?.close();
  await removeNamespace(ns);
});

describe('the cap on running labs', () => {
  it('refuses one lab more than maxRunningLabs with TOO_MANY_LABS naming the labs that run, and stops nothing', async () => {
    await Promise.all([core.service['labs:open']('quiet'), core.service['labs:open']('sleeper')]);
    // Someone works in the quiet lab while the cap is tested (its view's input, as a student's clicks): on
    // a loaded machine this test can outlast the lab's idle minute.
    const working = setInterval(() => void core.service['labs:activity']('quiet').catch(() => undefined), 5000);
    try {
      // Silent loops from the start (a loaded machine may take minutes over this test; these labs must
      // never have had a quiet minute): the kernel prints nothing, so its last_activity stays where it began.
      await silentLoop('sleeper', 'import time\nwhile True:\n    time.sleep(1)\n');
      const refused = core.service['labs:open']('spinner');
      expect(await codeOf(refused)).toBe('TOO_MANY_LABS');
      const message = await refused.catch((e: Error) => e.message);
      expect(message).toMatch(/at most 2 labs at once, and 2 run now/);
      expect(message).toContain('Idle quiet (quiet,');
      expect(message).toContain('Idle sleeper (sleeper,');
      expect((await phase('spinner')).phase).toBe('stopped');
      expect((await phase('quiet')).phase).toBe('ready');
      expect((await phase('sleeper')).phase).toBe('ready');

      // The same refusal through the command line: exit code 14, the labs named, in --json too.
      const { code, out } = await cli(['open', 'spinner', '--json']);
      expect(code).toBe(14);
      const body = JSON.parse(out) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('TOO_MANY_LABS');
      expect(body.error.message).toContain('Idle quiet');

      // A higher cap applies to the next open.
      settings.update({ maxRunningLabs: 3 });
      expect((await core.service['labs:open']('spinner')).phase).toBe('ready');
      await silentLoop('spinner', 'while True:\n    pass\n');
      loopsFrom = Date.now();
    } finally {
      clearInterval(working);
    }
  }, 420_000);
});

describe('idle auto-stop', () => {
  it('stops a lab where nothing happens after its minute (warned first, its open notebook checkpointed), never one whose kernel is busy', async () => {
    // The quiet lab may have been stopped for being idle while the cap was tested: it starts afresh here,
    // and input in its view (labs:activity) marks where its minute of nothing begins.
    if ((await phase('quiet')).phase !== 'ready') await core.service['labs:open']('quiet');
    await core.service['labs:activity']('quiet');
    // An open notebook in the quiet lab (a session, as the notebook page makes one): what a stop saves.
    const quiet = serverOf(core.notebookUrl('quiet'))!;
    const auth = { Authorization: `token ${quiet.token}`, 'Content-Type': 'application/json' };
    const nb = { type: 'notebook', content: { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 } };
    expect((await fetch(new URL('api/contents/idle-notes.ipynb', quiet.base), { method: 'PUT', headers: auth, body: JSON.stringify(nb) })).status).toBeLessThan(
      300,
    );
    const session = await fetch(new URL('api/sessions', quiet.base), {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ path: 'idle-notes.ipynb', type: 'notebook', name: '', kernel: { name: 'python3' } }),
    });
    expect(session.status).toBe(201);
    const quietFrom = Date.now();

    // What one round of samples costs (three ready labs), for the design notes.
    await core.idle.round();
    console.info(`idle watcher: one round of 3 labs took ${core.idle.lastRoundMs} ms`);

    const stopped = await until('the quiet lab stopped', 240_000, async () => {
      const v = await phase('quiet');
      return v.phase === 'stopped' ? v : null;
    });
    const stoppedAfter = Date.now() - quietFrom;
    // Never before its minute of nothing.
    expect(stoppedAfter).toBeGreaterThanOrEqual(MINUTE);
    expect(stopped.reason).toMatch(/^Stopped after 1 idle minute at \d\d:\d\d\./);
    expect(stopped.reason).toContain('Open notebooks saved as checkpoints: idle-notes.ipynb.');
    // The lab view was warned, with the minute to come, before the stop.
    const warned = warnings.find((w) => w.labId === 'quiet' && w.stopsAt !== null);
    expect(warned).toMatchObject({ idleMinutes: 1 });
    expect(warnings.some((w) => w.labId === 'quiet' && w.stopsAt === null)).toBe(true);

    // The busy kernels: well past a minute and the warning period, still running, never warned.
    await sleep(Math.max(0, loopsFrom + 4 * MINUTE - Date.now()));
    expect((await phase('sleeper')).phase).toBe('ready');
    expect((await phase('spinner')).phase).toBe('ready');
    expect(warnings.filter((w) => w.labId !== 'quiet')).toEqual([]);
    const idle = LabIdle.array().parse(await core.service['labs:idle']());
    expect(idle.find((l) => l.labId === 'sleeper')!.busy).toContain('a kernel is busy');
    const spinner = idle.find((l) => l.labId === 'spinner')!;
    // Busy, for its kernel or its CPU: the notebook server lists a spinning kernel as idle once anything
    // connected to it (kernel-asks.ts), and then its CPU alone keeps it busy, without any need to ask the
    // kernel; under load its CPU may get under the 20 % threshold, and then it is asked before a warning.
    // What the issue asks is asserted above: never warned, never stopped.
    expect(
      spinner.busy.some((r) => r === 'a kernel is busy' || /^CPU \d+ %$/.test(r)),
      spinner.busy.join(', '),
    ).toBe(true);
    console.info(`busy loop lab: ${spinner.busy.join(', ')}`);
    expect(idle.find((l) => l.labId === 'quiet')).toBeUndefined();
  }, 420_000);

  it('says in the launcher why it stopped until the lab is opened again', async () => {
    // The periodic reconcile re-reads Docker every 2 s: the reason stays.
    await sleep(5000);
    expect((await phase('quiet')).reason).toMatch(/^Stopped after 1 idle minute/);
    expect((await core.service['labs:open']('quiet')).reason).toBeNull();
  });
});
