// quick-run: a Python hello world from Run to verdict through ClassLab's API (`runs:run`: the pool, the
// throw-away sandbox, the verdict), against `docker run --rm -i` of the same image with the same create
// options (run-spec.ts) and the same driver fed the same stdin, in the same run. quick-run-throughput:
// 20 runs asked for at once through ClassLab (its pool caps how many go together) against a loop of the
// same `docker run`, as runs completed per minute.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import DockerClient from 'dockerode';
import { imageId } from '../electron/core/images/images';
import { loadCatalog } from '../electron/core/profiles/catalog';
import { driverInput } from '../electron/core/runs/driver';
import { DEFAULT_RUN_LIMITS, runBoxVolumeSpec, runContainerSpec, type RunSpecInput } from '../electron/core/runs/run-spec';
import { engineSecurity } from '../electron/core/sandbox/engine-security';
import { dockerRunArgs } from './docker-args';
import { benchCore, benchNamespace, benchPolicy, REPO } from './lab';
import { figure, fromValues, percentile, type Figure } from './stats';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 5) * 3;
const QUEUED = 20;
const HELLO = 'print("hello, world")';

/** `docker run --rm -i …` of the run's container, fed the driver's stdin; resolves with its stdout. */
function cliRun(args: string[], stdin: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['run', '--rm', '-i', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`docker run exited ${code}: ${err.trim()}`))));
    child.stdin.end(stdin);
  });
}

export async function quickRunFigures(): Promise<Figure[]> {
  const namespace = benchNamespace();
  // As the app and `classlab serve` run: with a spare sandbox kept for the next run (runs/run-spares.ts).
  const core = await benchCore(namespace, {}, { warmLabs: true });
  const docker = new DockerClient({ socketPath: '/var/run/docker.sock' });
  const profile = (await loadCatalog(path.join(REPO, 'images'), benchPolicy())).profiles.find((p) => p.id === 'python')!;
  const image = await imageId(docker, profile.image);
  if (!image) throw new Error(`${profile.image} is not built: run \`classlab build python\` first`);
  const engine = await engineSecurity(docker);
  // The CLI's run gets its /box volume as ClassLab's does (a tmpfs owned by the lab user), made before and
  // removed after the run: the same work on both sides.
  const cli = async () => {
    const runId = `r${randomBytes(8).toString('hex')}`;
    const sandbox: RunSpecInput = {
      runId,
      labId: profile.id,
      namespace: `${namespace}-cli`,
      image,
      user: profile.server.user,
      lang: 'python',
      limits: DEFAULT_RUN_LIMITS,
      security: { seccomp: engine.seccomp, runtime: 'runc' },
    };
    const box = runBoxVolumeSpec(sandbox);
    await run('docker', ['volume', 'create', '--driver', box.Driver, ...Object.entries(box.DriverOpts).flatMap(([k, v]) => ['--opt', `${k}=${v}`]), box.Name]);
    try {
      const out = await cliRun(dockerRunArgs(runContainerSpec(sandbox)), driverInput(randomBytes(16).toString('hex'), HELLO, ''));
      if (!out.includes('hello, world')) throw new Error(`the CLI's run printed ${JSON.stringify(out)}`);
    } finally {
      await run('docker', ['volume', 'rm', '-f', box.Name]).catch(() => undefined);
    }
  };
  const ours = async () => {
    const r = await core.service['runs:run']({ lab: 'python', lang: 'python', code: HELLO });
    if (r.verdict !== 'accepted' || !r.stdout.includes('hello, world')) throw new Error(`ClassLab's run: ${r.verdict} ${r.stderr}`);
  };
  try {
    await ours(); // the first run probes the image's languages: not measured
    await cli();
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      await ours();
      mine.push(performance.now() - t);
      t = performance.now();
      await cli();
      theirs.push(performance.now() - t);
    }
    let t = performance.now();
    await Promise.all(Array.from({ length: QUEUED }, ours));
    const oursPerMin = QUEUED / ((performance.now() - t) / 60_000);
    t = performance.now();
    for (let i = 0; i < QUEUED; i++) await cli();
    const cliPerMin = QUEUED / ((performance.now() - t) / 60_000);
    return [
      figure('quick-run', 'ms', mine, theirs, 'ratio <= 0.25'),
      fromValues('quick-run-p95', 'ms', percentile(mine, 95), percentile(theirs, 95), mine.length, 'ratio <= 0.25'),
      fromValues('quick-run-throughput', 'runs/min', oursPerMin, cliPerMin, QUEUED, 'ratio >= 3'),
    ];
  } finally {
    await core.close();
  }
}
