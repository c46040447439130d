// `npm run bench [-- NAME]`: each figure is ClassLab against the raw Docker CLI doing the same work in the
// same run, as medians over several runs, printed as one BENCH line and written to bench/results.json.
// Figures are reported, never asserted: targets live in the issues and the README.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { createClassLab } from '../electron/core/classlab';
import { createSettingsStore } from '../electron/core/settings';
import { labNames } from '../electron/core/labs/naming';
import { loadCatalog } from '../electron/core/profiles/catalog';
import { gateContainerSpec, labContainerSpec } from '../electron/core/sandbox/policy';
import type { ClassLabCore } from '../electron/core/types';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Figure {
  name: string;
  unit: string;
  classlab: number;
  baseline: number;
  ratio: number;
  runs: number;
  target: string;
}

const figures: Record<string, () => Promise<Figure>> = {
  'open-to-ready': openToReady,
};

/** Open the python lab from no container until the notebook answers, against `docker run` + curl. */
async function openToReady(): Promise<Figure> {
  const namespace = `clbench-${randomBytes(2).toString('hex')}`;
  const store: Record<string, unknown> = {};
  const quiet = { info() {}, warn() {}, error() {} };
  const core: ClassLabCore = await createClassLab({
    settings: createSettingsStore({ store, set: (k, v) => void (store[k] = v) }),
    catalogDir: path.join(repo, 'images'),
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'classlab-bench-')),
    log: quiet,
    namespace,
  });
  const profile = (await loadCatalog(path.join(repo, 'images'))).profiles.find((p) => p.id === 'python')!;
  const names = labNames(`${namespace}-cli`, 'python');
  const token = randomBytes(24).toString('hex');
  const labArgs = dockerRunArgs(labContainerSpec({ profile, names, namespace: `${namespace}-cli`, token }));
  const gateArgs = dockerRunArgs(gateContainerSpec({ profile, names, namespace: `${namespace}-cli` }));
  // The same volumes as ClassLab's, made once (ClassLab reuses its own after the first open too).
  await run('docker', ['volume', 'create', names.workspaceVolume]);
  await run('docker', ['volume', 'create', '--driver', 'local', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=1m,uid=1000,gid=1000,mode=0700', names.runVolume]);
  const script = [
    'set -e',
    `docker run -d ${labArgs.map(shellQuote).join(' ')} >/dev/null`,
    `docker run -d ${gateArgs.map(shellQuote).join(' ')} >/dev/null`,
    `port=$(docker port ${names.gate} 8888/tcp | head -n 1 | sed 's/.*://')`,
    'for i in $(seq 1 1200); do',
    '  code=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: token $JUPYTER_TOKEN" "http://127.0.0.1:$port/api/status" || true)',
    '  [ "$code" = 200 ] && exit 0',
    '  sleep 0.05',
    'done',
    'exit 1',
  ].join('\n');
  const ours: number[] = [];
  const theirs: number[] = [];
  try {
    await core.service['labs:open']('python'); // first open makes the volumes: not measured
    for (let i = 0; i < RUNS; i++) {
      await core.service['labs:reset']('python');
      let t = performance.now();
      await core.service['labs:open']('python');
      ours.push(performance.now() - t);
      await core.service['labs:reset']('python');

      t = performance.now();
      // The token goes by environment here too (`-e JUPYTER_TOKEN` without a value), never argv.
      await run('bash', ['-c', script], { env: { ...process.env, JUPYTER_TOKEN: token } });
      theirs.push(performance.now() - t);
      await run('docker', ['rm', '-f', names.container, names.gate]);
    }
  } finally {
    await core.service['labs:reset']('python').catch(() => undefined);
    await core.close();
    await run('docker', ['rm', '-f', names.container, names.gate]).catch(() => undefined);
    await run('docker', ['volume', 'rm', names.workspaceVolume, names.runVolume, `${namespace}-python-workspace`, `${namespace}-python-run`]).catch(() => undefined);
  }
  return figure('open-to-ready', 'ms', ours, theirs, 'ratio <= 1.10');
}

/** The `docker run` flags for the create options ClassLab uses, so the baseline runs the same container. */
export function dockerRunArgs(spec: Docker.ContainerCreateOptions): string[] {
  const h = spec.HostConfig ?? {};
  const a: string[] = ['--name', spec.name!];
  if (spec.User) a.push('--user', spec.User);
  if (spec.WorkingDir) a.push('--workdir', spec.WorkingDir);
  for (const e of spec.Env ?? []) a.push('-e', e.startsWith('JUPYTER_TOKEN=') ? 'JUPYTER_TOKEN' : e);
  for (const [k, v] of Object.entries(spec.Labels ?? {})) a.push('--label', `${k}=${v}`);
  if (h.NetworkMode) a.push('--network', h.NetworkMode);
  for (const c of h.CapDrop ?? []) a.push('--cap-drop', c);
  for (const s of h.SecurityOpt ?? []) a.push('--security-opt', s);
  if (h.ReadonlyRootfs) a.push('--read-only');
  for (const [p, o] of Object.entries(h.Tmpfs ?? {})) a.push('--tmpfs', `${p}:${o}`);
  if (h.ShmSize) a.push('--shm-size', String(h.ShmSize));
  if (h.PidsLimit) a.push('--pids-limit', String(h.PidsLimit));
  if (h.Memory) a.push('--memory', String(h.Memory));
  if (h.MemorySwap) a.push('--memory-swap', String(h.MemorySwap));
  if (h.NanoCpus) a.push('--cpus', String(h.NanoCpus / 1e9));
  if (h.LogConfig?.Type) {
    a.push('--log-driver', h.LogConfig.Type);
    for (const [k, v] of Object.entries(h.LogConfig.Config ?? {})) a.push('--log-opt', `${k}=${v}`);
  }
  for (const m of h.Mounts ?? []) a.push('--mount', `type=${m.Type},source=${m.Source},target=${m.Target}${m.ReadOnly ? ',readonly' : ''}`);
  for (const [port, bindings] of Object.entries(h.PortBindings ?? {})) {
    for (const b of (bindings as { HostIp?: string; HostPort?: string }[]) ?? []) a.push('-p', `${b.HostIp}:${b.HostPort ?? ''}:${port}`);
  }
  if (spec.StopTimeout) a.push('--stop-timeout', String(spec.StopTimeout));
  a.push(spec.Image!);
  a.push(...(spec.Cmd as string[] | undefined ?? []));
  return a;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_\-./:=,@]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function figure(name: string, unit: string, ours: number[], theirs: number[], target: string): Figure {
  const classlab = median(ours);
  const baseline = median(theirs);
  return { name, unit, classlab: round(classlab), baseline: round(baseline), ratio: round(classlab / baseline, 3), runs: ours.length, target };
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !(w in figures));
  if (unknown.length) {
    process.stderr.write(`bench: unknown figure ${unknown.join(', ')}; figures: ${Object.keys(figures).join(', ')}\n`);
    process.exit(2);
  }
  const names = wanted.length ? wanted : Object.keys(figures);
  const results: Figure[] = [];
  for (const name of names) {
    const f = await figures[name]!();
    results.push(f);
    process.stdout.write(`BENCH ${f.name} classlab=${f.classlab} baseline=${f.baseline} ratio=${f.ratio} unit=${f.unit}\n`);
  }
  const { stdout: engine } = await run('docker', ['version', '--format', '{{.Server.Version}}']).catch(() => ({ stdout: 'unknown' }));
  mkdirSync(path.join(repo, 'bench'), { recursive: true });
  const out = path.join(repo, 'bench', 'results.json');
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), engine: engine.trim(), node: process.version, cpus: os.cpus().length, figures: results }, null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
