// open-remote-ssh: open the python lab from no container until the notebook answers, on a remote engine
// over ssh, through ClassLab's core (one kept ssh connection, socket forwards, the gate through a forward)
// against the docker CLI doing the same over ssh (`docker -H ssh://…`: its own ssh connection and dial-stdio
// per command) plus curl polling through an `ssh -N -L` tunnel, same run, alternating. The "remote" is this
// machine's engine behind a loopback sshd (test/support/sshd.ts), so the figure is the protocols' cost, not a
// network's. Needs root and Debian's openssh-server, as the remote-ssh test does.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import DockerClient from 'dockerode';
import { engineCandidates } from '../electron/core/engine/discovery';
import { Engine } from '../electron/core/engine/engine';
import { loadCatalog } from '../electron/core/profiles/catalog';
import { gateNetworkSpec } from '../electron/core/sandbox/policy';
import { CAN_RUN_SSHD, desktopHome, keygen, TestSshd } from '../test/support/sshd';
import { benchCore, benchNamespace, benchPolicy, REPO } from './lab';
import { alternateOpens, cleanUpOpens, cliLab } from './open-to-ready';
import { figure, type Figure } from './stats';

const run = promisify(execFile);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export async function openRemoteSsh(): Promise<Figure> {
  if (!CAN_RUN_SSHD) throw new Error("open-remote-ssh needs root, Debian's openssh-server (/usr/sbin/sshd) and the docker CLI");
  const sshd = new TestSshd();
  const home = desktopHome('');
  const pub = await keygen(path.join(home, '.ssh', 'id_ed25519'), 'ed25519');
  await sshd.prepare([pub]);
  await sshd.start();
  const [type, key] = readFileSync(`${sshd.hostKey}.pub`, 'utf8').trim().split(/\s+/);
  writeFileSync(path.join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${sshd.port} ${type} ${key}\n`);
  // The docker CLI runs the `ssh` it finds first on PATH: one that uses this desktop's key and known_hosts.
  const bin = mkdtempSync(path.join(os.tmpdir(), 'classlab-bench-ssh-'));
  const config = path.join(bin, 'ssh_config');
  writeFileSync(
    config,
    `Host *\n  IdentityFile ${path.join(home, '.ssh', 'id_ed25519')}\n  UserKnownHostsFile ${path.join(home, '.ssh', 'known_hosts')}\n  IdentitiesOnly yes\n  BatchMode yes\n`,
  );
  writeFileSync(path.join(bin, 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -F ${config} "$@"\n`);
  chmodSync(path.join(bin, 'ssh'), 0o755);
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };

  const namespace = benchNamespace();
  const engine = new Engine(engineCandidates({ platform: 'linux', env: { DOCKER_HOST: sshd.url }, home }), {
    ssh: { home, agentSocket: null, systemKnownHosts: [] },
  });
  const core = await benchCore(namespace, {}, { engine });
  const policy = benchPolicy();
  const profile = (await loadCatalog(path.join(REPO, 'images'), policy)).profiles.find((p) => p.id === 'python')!;
  const docker = new DockerClient({ socketPath: '/var/run/docker.sock' });
  const cliGates = await docker.createNetwork(gateNetworkSpec(`${namespace}-cli`));
  const remote = { host: sshd.url, ssh: `ssh -p ${sshd.port} root@127.0.0.1`, localPort: await freePort() };
  const cli = await cliLab(docker, `${namespace}-cli`, profile, policy, remote);
  try {
    const up = await engine.check();
    if (up.state !== 'up') throw new Error(`the engine over ssh did not answer: ${up.problem ?? ''}`);
    await core.service['labs:open']('python'); // first open makes the volumes: not measured
    // The CLI's first run over this ssh: its ssh and the remote's docker warm up, not measured either.
    await run('docker', ['-H', sshd.url, 'version'], { env });
    const { ours, theirs } = await alternateOpens(core, cli, env);
    return figure('open-remote-ssh', 'ms', ours, theirs, 'ratio <= 1.10');
  } finally {
    await cleanUpOpens({ core, cli, docker, namespace, cliGates });
    await sshd.stop();
  }
}
