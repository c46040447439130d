// open-to-ready: open the python lab from no container until the notebook answers, through ClassLab's
// core, against `docker run` of the very same two containers (flags generated from the same create
// options) plus curl polling the same endpoint.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import DockerClient from 'dockerode';
import { labNames } from '../electron/core/labs/naming';
import { loadCatalog } from '../electron/core/profiles/catalog';
import { checkedMounts } from '../electron/core/profiles/mount-policy';
import { gateContainerSpec, gateNetworkSpec, labContainerSpec } from '../electron/core/sandbox/policy';
import type { HostPolicy } from '../electron/core/profiles/mount-policy';
import type { Profile } from '../electron/core/profiles/schema';
import { benchCore, benchGateImage, benchNamespace, benchPolicy, removeBenchVolumes, REPO } from './lab';
import { dockerRunArgs, shellQuote } from './docker-args';
import { figure, type Figure } from './stats';
import type { ClassLabCore } from '../electron/core/types';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** A lab the raw CLI opens: its two `docker run`s and the curl poll as one script, with what it made. */
export interface CliLab {
  script: string;
  token: string;
  /** Removes the two containers (after each run). */
  removeContainers(): Promise<void>;
  /** Removes the containers and the volumes. */
  remove(): Promise<void>;
}

/**
 * The baseline's lab: `docker run` of the same two containers ClassLab makes (flags generated from the same
 * create options) on the CLI namespace's own gates network (make it with cliGatesNetwork), and the same
 * volumes as ClassLab's, made once (ClassLab reuses its own after the first open too).
 */
/**
 * A remote engine for the baseline: `docker -H <host>` (the docker CLI's own ssh: a new ssh connection and
 * dial-stdio per command), and the notebook polled through an ssh tunnel (`ssh -N -L`) to the gate's port
 * on the remote's loopback, from this computer's `localPort`.
 */
export interface CliRemote {
  host: string;
  /** The ssh command for the tunnel, up to the destination (the script adds -N -L …). */
  ssh: string;
  localPort: number;
}

export async function cliLab(docker: DockerClient, cliNamespace: string, profile: Profile, policy: HostPolicy, remote?: CliRemote): Promise<CliLab> {
  const names = labNames(cliNamespace, profile.id);
  const token = randomBytes(24).toString('hex');
  const labArgs = dockerRunArgs(labContainerSpec({ profile, names, namespace: cliNamespace, token, hostMounts: await checkedMounts(profile, policy) }));
  const gateArgs = dockerRunArgs(gateContainerSpec({ profile, names, namespace: cliNamespace, image: await benchGateImage(docker) }));
  await run('docker', ['volume', 'create', names.workspaceVolume]);
  await run('docker', [
    'volume',
    'create',
    '--driver',
    'local',
    '--opt',
    'type=tmpfs',
    '--opt',
    'device=tmpfs',
    '--opt',
    'o=nr_blocks=256,uid=1000,gid=1000,mode=0700',
    names.runVolume,
  ]);
  const dockerCmd = remote ? `docker -H ${shellQuote(remote.host)}` : 'docker';
  const script = [
    'set -e',
    `${dockerCmd} run -d ${labArgs.map(shellQuote).join(' ')} >/dev/null`,
    `${dockerCmd} run -d ${gateArgs.map(shellQuote).join(' ')} >/dev/null`,
    `port=$(${dockerCmd} port ${names.gate} 8888/tcp | head -n 1 | sed 's/.*://')`,
    ...(remote
      ? [`${remote.ssh} -N -L ${remote.localPort}:127.0.0.1:$port & tunnel=$!`, "trap 'kill $tunnel 2>/dev/null' EXIT", `port=${remote.localPort}`]
      : []),
    'for i in $(seq 1 1200); do',
    '  code=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: token $JUPYTER_TOKEN" "http://127.0.0.1:$port/api/status" || true)',
    '  [ "$code" = 200 ] && exit 0',
    '  sleep 0.05',
    'done',
    'exit 1',
  ].join('\n');
  const removeContainers = async () => void (await run('docker', ['rm', '-f', names.container, names.gate]).catch(() => undefined));
  return {
    script,
    token,
    removeContainers,
    remove: async () => {
      await removeContainers();
      // The home volume is made by `docker run` itself (the lab container mounts it by name).
      await run('docker', ['volume', 'rm', names.workspaceVolume, names.runVolume, names.homeVolume]).catch(() => undefined);
    },
  };
}

/** Runs a CLI lab's script (the token by environment, `-e JUPYTER_TOKEN` without a value, never argv). */
export async function runCliLab(lab: CliLab, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await run('bash', ['-c', lab.script], { env: { ...env, JUPYTER_TOKEN: lab.token } });
}

/** Open the python lab from no container until the notebook answers, through ClassLab, against `docker run` + curl. */
export async function openToReady(): Promise<Figure> {
  const namespace = benchNamespace();
  const core = await benchCore(namespace);
  const policy = benchPolicy();
  const profile = (await loadCatalog(path.join(REPO, 'images'), policy)).profiles.find((p) => p.id === 'python')!;
  const docker = new DockerClient({ socketPath: '/var/run/docker.sock' });
  // The gate runs on ClassLab's own gates network (never the default bridge): the baseline's too.
  const cliGates = await docker.createNetwork(gateNetworkSpec(`${namespace}-cli`));
  const cli = await cliLab(docker, `${namespace}-cli`, profile, policy);
  try {
    await core.service['labs:open']('python'); // first open makes the volumes: not measured
    const { ours, theirs } = await alternateOpens(core, cli);
    return figure('open-to-ready', 'ms', ours, theirs, 'ratio <= 1.10');
  } finally {
    await cleanUpOpens({ core, cli, docker, namespace, cliGates });
  }
}

/** RUNS times, alternating: ClassLab opens the python lab from no container, then the CLI lab's script runs. */
export async function alternateOpens(core: ClassLabCore, cli: CliLab, env: NodeJS.ProcessEnv = process.env): Promise<{ ours: number[]; theirs: number[] }> {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await core.service['labs:reset']('python');
    let t = performance.now();
    await core.service['labs:open']('python');
    ours.push(performance.now() - t);
    await core.service['labs:reset']('python');

    t = performance.now();
    await runCliLab(cli, env);
    theirs.push(performance.now() - t);
    await cli.removeContainers();
  }
  return { ours, theirs };
}

/** What an open-to-ready run made: the lab, the core, the CLI lab, the volumes and both gates networks. */
export async function cleanUpOpens(made: {
  core: ClassLabCore;
  cli: CliLab;
  docker: DockerClient;
  namespace: string;
  cliGates: DockerClient.Network;
}): Promise<void> {
  const { core, cli, docker, namespace, cliGates } = made;
  await core.service['labs:reset']('python').catch(() => undefined);
  await core.close();
  await cli.remove();
  await removeBenchVolumes(docker, namespace);
  await cliGates.remove().catch(() => undefined);
  await docker
    .getNetwork(`${namespace}-gates`)
    .remove()
    .catch(() => undefined);
}
