// open-to-ready-warm and open-10-at-once (issue #15).
//
// open-to-ready-warm: Open of the python lab with a warm lab ready (setting warmLabs) until the notebook
// answers through ClassLab, absolute ms (target ≤ 500). The baseline beside it is the raw CLI doing a
// claim's Docker work on a running pair: two `docker rename`s and one curl of the notebook's status.
//
// open-10-at-once: ten labs opened together through ClassLab, the slowest of them, against ten `docker run`
// pairs + curl polls started together (tmpnb's lesson: opens must not queue behind one another).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import DockerClient from 'dockerode';
import { gateNetworkSpec } from '../electron/core/sandbox/policy';
import { loadCatalog } from '../electron/core/profiles/catalog';
import { benchCatalog, benchCore, benchNamespace, benchPolicy, removeBenchNamespace } from './lab';
import { cliLab, runCliLab } from './open-to-ready';
import { figure, type Figure } from './stats';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const docker = new DockerClient({ socketPath: '/var/run/docker.sock' });

async function until(what: string, test: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function openToReadyWarm(): Promise<Figure> {
  const namespace = benchNamespace();
  const core = await benchCore(namespace, { warmLabs: { labs: ['python'], windows: [] } }, { warmLabs: true, warmEveryMs: 500 });
  const warm = async () => (await core.service['labs:list']()).labs.find((l) => l.id === 'python')!.warm;
  const ours: number[] = [];
  const theirs: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      await until('a warm python lab', warm);
      let t = performance.now();
      const view = await core.service['labs:open']('python');
      const url = new URL(view.notebookUrl!);
      const answer = await fetch(new URL('api/status', url.origin), { headers: { Authorization: `token ${url.searchParams.get('token')}` } });
      if (answer.status !== 200) throw new Error(`bench: the claimed notebook answered ${answer.status}`);
      ours.push(performance.now() - t);

      // The same Docker work by the CLI on the running pair: two renames (there and back) and one curl.
      const lab = `${namespace}-python`;
      t = performance.now();
      await run(
        'bash',
        ['-c', `docker rename ${lab} ${lab}.b && docker rename ${lab}.b ${lab} && curl -s -o /dev/null -H "Authorization: token $T" ${url.origin}/api/status`],
        { env: { ...process.env, T: url.searchParams.get('token')! } },
      );
      theirs.push(performance.now() - t);
      await core.service['labs:stop']('python');
    }
  } finally {
    await core.close();
    await removeBenchNamespace(docker, namespace);
  }
  return figure('open-to-ready-warm', 'ms', ours, theirs, 'classlab <= 500 ms');
}

const TEN = Array.from({ length: 10 }, (_, i) => `p${i}`);

export async function openTenAtOnce(): Promise<Figure> {
  const namespace = benchNamespace();
  const catalogDir = benchCatalog(TEN.map((id) => ({ id, title: `Python ${id}`, image: 'classlab/python:3', build: { context: 'python' } })));
  const core = await benchCore(namespace, { maxRunningLabs: 10 }, { catalogDir });
  const policy = benchPolicy();
  const profiles = (await loadCatalog(catalogDir, policy)).profiles;
  const cliNamespace = `${namespace}-cli`;
  const cliGates = await docker.createNetwork(gateNetworkSpec(cliNamespace));
  const cli = await Promise.all(profiles.map((p) => cliLab(docker, cliNamespace, p, policy)));
  const ours: number[] = [];
  const theirs: number[] = [];
  try {
    // The first opens make the volumes and disks: not measured.
    await Promise.all(TEN.map((id) => core.service['labs:open'](id)));
    for (let i = 0; i < RUNS; i++) {
      await Promise.all(TEN.map((id) => core.service['labs:reset'](id)));
      let t = performance.now();
      await Promise.all(TEN.map((id) => core.service['labs:open'](id)));
      ours.push(performance.now() - t);
      await Promise.all(TEN.map((id) => core.service['labs:reset'](id)));

      t = performance.now();
      await Promise.all(cli.map((c) => runCliLab(c)));
      theirs.push(performance.now() - t);
      await Promise.all(cli.map((c) => c.removeContainers()));
    }
  } finally {
    await Promise.all(TEN.map((id) => core.service['labs:reset'](id).catch(() => undefined)));
    await core.close();
    await Promise.all(cli.map((c) => c.remove()));
    await cliGates.remove().catch(() => undefined);
    await removeBenchNamespace(docker, namespace);
    await removeBenchNamespace(docker, cliNamespace);
  }
  return figure('open-10-at-once', 'ms', ours, theirs, 'ratio <= 1.0');
}
