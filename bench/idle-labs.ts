// idle-30-labs-cpu, idle-30-labs-rss and status-json (issue #13): thirty python labs running and idle in a
// namespace of the bench's own, opened through the real `classlab serve`, the host console's overview open
// in Debian's Chromium through the bridge. Over one minute: the serve process's CPU (% of one core) and
// resident memory (MB, its peak) against dockerd's own over the same minute with the same containers (the
// engine at rest, as its baseline). Then, with the labs still running and the overview closed, the time of
// `classlab status --json` against `docker stats --no-stream` of the same thirty lab containers.
// Everything the bench made (containers, volumes, loop disks, networks of its namespace; its folders) is
// removed at the end, also when a step failed or the run is interrupted.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import DockerClient from 'dockerode';
import type { Browser } from 'playwright-core';
import { HostStatus } from '../electron/api/contract';
import { launchChromium, startServe, type ServeProcess } from '../test/support/serve';
import { connectBridge } from './bridge-client';
import { benchCatalog, benchNamespace, removeBenchNamespace, REPO } from './lab';
import { dockerdPid, watchProcesses } from './proc';
import { figure, fromValues, type Figure } from './stats';

const run = promisify(execFile);
const LABS = Number(process.env.BENCH_IDLE_LABS ?? 30);
const MINUTE_MS = Number(process.env.BENCH_IDLE_MS ?? 60_000);
/** After the last lab is ready and the overview shows them all: let starts, first samples and page loads settle. */
const SETTLE_MS = 30_000;
const OPEN_AT_ONCE = 3;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PIN = 'bench-4826';
const CLI = path.join(REPO, 'dist', 'cli.js');
const SHOTS = '/work/wt/shots';
/** Each lab's limits: 30 × 512 MiB = 15 GiB fits this 24 GiB machine with room for the rest. */
const MEMORY_MIB = 512;

const labId = (i: number) => `idle-${String(i + 1).padStart(2, '0')}`;

export async function idleLabsFigures(): Promise<Figure[]> {
  const namespace = benchNamespace();
  const home = mkdtempSync(path.join(os.tmpdir(), 'classlab-bench-idle-'));
  const labs = Array.from({ length: LABS }, (_, i) => ({
    id: labId(i),
    title: `Idle lab ${i + 1}`,
    description: 'One of the idle benchmark’s labs.',
    image: 'classlab/python:2',
    build: { context: 'python' },
    network: 'none',
    idleMinutes: 240,
    resources: { memoryMiB: MEMORY_MIB, cpus: 1, pids: 256, diskMiB: 128 },
  }));
  const catalog = benchCatalog(labs);
  const env = { ...process.env, CLASSLAB_HOME: home, CLASSLAB_NAMESPACE: namespace, CLASSLAB_CATALOG: catalog, CLASSLAB_ADMIN_PIN: PIN };
  const cli = (args: string[]) => run(process.execPath, [CLI, ...args], { env, cwd: REPO, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });

  const memTotal = os.totalmem();
  if (LABS * MEMORY_MIB * 1024 * 1024 > memTotal * 0.9)
    throw new Error(`${LABS} labs × ${MEMORY_MIB} MiB do not fit this machine's ${Math.round(memTotal / 2 ** 30)} GiB`);

  let serve: ServeProcess | null = null;
  let browser: Browser | null = null;
  let cleaned: Promise<void> | null = null;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      await browser?.close().catch(() => undefined);
      await serve?.stop().catch(() => undefined);
      await removeBenchNamespace(new DockerClient({ socketPath: '/var/run/docker.sock' }), namespace);
      rmSync(home, { recursive: true, force: true });
      rmSync(catalog, { recursive: true, force: true });
    })());
  // An interrupted bench (Ctrl-C, a kill) still removes its thirty labs before it exits.
  const onSignal = (signal: NodeJS.Signals) => void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // The cap on running labs raised for the bench, in its own data folder (an admin command: sets the PIN).
    await cli(['admin', 'max-labs', String(LABS)]);
    // BENCH_CPU_PROF=DIR: the serve process writes a V8 CPU profile there when it exits (for finding what costs).
    const prof = process.env.BENCH_CPU_PROF;
    serve = await startServe(env, CLI, prof ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(prof)}`] : []);
    const url = new URL(serve.url);
    const api = await connectBridge(Number(url.port), new URLSearchParams(url.hash.slice(1)).get('token') ?? '');
    const opened = Date.now();
    const queue = labs.map((l) => l.id);
    await Promise.all(
      Array.from({ length: OPEN_AT_ONCE }, async () => {
        for (let id = queue.shift(); id; id = queue.shift()) {
          const r = await api.invoke('labs:open', [id]);
          const phase = (r.value as { phase?: string } | undefined)?.phase;
          if (!r.ok || phase !== 'ready') throw new Error(`opening ${id}: ${JSON.stringify(r.error ?? r.value)}`);
        }
      }),
    );
    api.close();
    process.stdout.write(`idle labs: ${LABS} labs ready in ${Math.round((Date.now() - opened) / 1000)} s\n`);

    browser = await launchChromium();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(serve.url);
    await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'This machine', exact: true }).click();
    const unlock = page.getByRole('dialog', { name: 'Unlock the admin area' });
    await unlock.or(page.locator('tr[data-lab]').first()).first().waitFor();
    if (await unlock.isVisible()) {
      await unlock.getByLabel('Admin PIN').fill(PIN);
      await unlock.getByRole('button', { name: 'Unlock' }).click();
      await unlock.waitFor({ state: 'hidden' });
    }
    await page
      .locator('tr[data-lab]')
      .nth(LABS - 1)
      .waitFor();
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    await page.screenshot({ path: path.join(SHOTS, 'bench-overview.png'), fullPage: true }).catch(() => undefined);

    const engine = await dockerdPid();
    const load0 = os.loadavg()[0]!;
    const [ours, theirs] = await watchProcesses([serve.pid, engine], MINUTE_MS);
    process.stdout.write(
      `idle labs: over ${MINUTE_MS / 1000} s (load ${load0.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)}): classlab serve ${ours!.cpuPercent.toFixed(2)} % CPU, ` +
        `RSS median ${ours!.rssMedianMB.toFixed(0)} MB peak ${ours!.rssPeakMB.toFixed(0)} MB; dockerd ${theirs!.cpuPercent.toFixed(2)} % CPU, ` +
        `RSS median ${theirs!.rssMedianMB.toFixed(0)} MB peak ${theirs!.rssPeakMB.toFixed(0)} MB\n`,
    );
    const figures = [
      fromValues('idle-30-labs-cpu', '%', ours!.cpuPercent, theirs!.cpuPercent, 1, 'classlab < 1 % of one core'),
      fromValues('idle-30-labs-rss', 'MB', ours!.rssPeakMB, theirs!.rssPeakMB, 1, 'classlab < 200 MB'),
    ];

    // The host's script: the overview closed, ClassLab's window gone; the labs keep running.
    await browser.close();
    browser = null;
    await serve.stop();
    serve = null;
    const containers = labs.map((l) => `${namespace}-${l.id}`);
    const statusMs: number[] = [];
    const statsMs: number[] = [];
    let last: HostStatus | null = null;
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      const { stdout } = await cli(['status', '--json']);
      statusMs.push(performance.now() - t);
      last = HostStatus.parse(JSON.parse(stdout));
      t = performance.now();
      await run('docker', ['stats', '--no-stream', ...containers], { maxBuffer: 16 * 1024 * 1024 });
      statsMs.push(performance.now() - t);
    }
    const measured = last!.labs.filter((l) => l.memoryBytes !== null);
    const used = measured.reduce((sum, l) => sum + l.memoryBytes!, 0);
    process.stdout.write(
      `idle labs: status --json saw ${measured.length} of ${LABS} labs with figures, ${(used / 2 ** 30).toFixed(2)} GiB in use ` +
        `(${(used / measured.length / 2 ** 20).toFixed(0)} MiB a lab, limit ${MEMORY_MIB} MiB); its own reading took ${last!.tookMs} ms\n`,
    );
    figures.push(figure('status-json', 'ms', statusMs, statsMs, 'reported'));
    return figures;
  } finally {
    await cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
