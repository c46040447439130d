// runAudit: start a throw-away lab (and a neighbour lab) from a profile with the very same sandbox, run
// every attack inside it as the student would, and remove everything it made — also on failure or abort.
import { engineSecurity } from '../sandbox/engine-security';
import type Docker from 'dockerode';
import { LABEL } from '../labs/naming';
import type { Profile } from '../profiles/schema';
import { collectDiskOrphans, removeNamespaceVolumes } from '../sandbox/disk';
import { diskAttacks } from './attacks/disk';
import { fileAttacks } from './attacks/files';
import { transferRaceAttacks } from './attacks/transfer-race';
import { gitHostAttacks } from './attacks/git-host';
import { kernelAttacks } from './attacks/kernel';
import { kernelSurfaceAttacks } from './attacks/kernel-surface';
import { profileAttacks } from './attacks/profiles';
import { bridgeGateways, networkAttacks } from './attacks/network';
import { labServerAttacks } from './attacks/lab-servers';
import { pageAttacks } from './attacks/page';
import { resourceAttacks } from './attacks/resources';
import { tamperedPackAttacks } from './attacks/tampered-pack';
import { urlImportAttacks } from './attacks/url-import';
import { volumeAttacks } from './attacks/volumes';
import { registeredAuditAttacks } from './extensions';
import { AuditLab, auditNamespace } from './lab';
import { HostListeners } from './listeners';
import type { AttackResult, AuditAttack, AuditContext, AuditOptions } from './types';

/**
 * The built-in attacks, in the order they run: the quiet ones first, then the bombs, then the reset
 * (it recreates the lab's container), and last the runaway output, which can take the notebook server
 * down with it where the image does not protect it.
 */
export const BUILTIN_ATTACKS: AuditAttack[] = [
  ...kernelAttacks,
  ...kernelSurfaceAttacks,
  ...networkAttacks,
  ...labServerAttacks,
  ...fileAttacks,
  ...transferRaceAttacks,
  ...profileAttacks,
  ...tamperedPackAttacks,
  ...gitHostAttacks,
  ...urlImportAttacks,
  resourceAttacks.find((a) => a.id === 'cpu-burn')!,
  ...diskAttacks.filter((a) => a.id === 'disk-fill'),
  ...volumeAttacks,
  resourceAttacks.find((a) => a.id === 'memory-bomb')!,
  resourceAttacks.find((a) => a.id === 'fork-bomb')!,
  // They take the notebook's socket for a while (and give it back); the reset that follows starts afresh anyway.
  ...pageAttacks,
  ...diskAttacks.filter((a) => a.id === 'leftovers'),
  resourceAttacks.find((a) => a.id === 'runaway-output')!,
];

/** The profile of the throw-away lab: the same sandbox, a small workspace disk. */
export function auditProfile(profile: Profile, diskMiB?: number): Profile {
  const size = diskMiB ?? Math.min(profile.resources.diskMiB, 128);
  return { ...profile, resources: { ...profile.resources, diskMiB: size } };
}

/** Polls 127.0.0.1:8000 inside the neighbour for up to 20 s; exits 0 once it accepts. */
const WAIT_FOR_LISTENER = `
import socket, sys, time
deadline = time.time() + 20
while time.time() < deadline:
    try:
        socket.create_connection(('127.0.0.1', 8000), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(1)
`;

/**
 * The neighbour: "another lab", from the same profile, allowed on the internet so that it has an
 * address on a network of its own (where a student's listener would be reachable, if anything were).
 */
function neighbourProfile(profile: Profile): Profile {
  return { ...auditProfile(profile, 32), id: `${profile.id.slice(0, 36)}-nb`, network: 'internet' };
}

export async function runAudit(opts: AuditOptions): Promise<AttackResult[]> {
  const docker = opts.docker();
  const ns = auditNamespace(opts.namespace);
  const abort = new AbortController();
  const onAbort = () => abort.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) abort.abort(opts.signal.reason);
  const signal = abort.signal;

  const profile = auditProfile(opts.profile, opts.diskMiB);
  const deps = { gateImage: opts.gateImage, policy: opts.policy, ...(opts.reach ? { reach: opts.reach } : {}) };
  const lab = new AuditLab(opts.docker, profile, ns, deps);
  const neighbour = new AuditLab(opts.docker, neighbourProfile(opts.profile), ns, deps);
  const listeners = new HostListeners();
  const results: AttackResult[] = [];
  const report = (r: AttackResult) => {
    results.push(r);
    opts.onProgress?.(r);
  };
  const log = opts.log;
  // fetch() and AbortSignal.timeout() do not hold Node's event loop: in a bare CLI process, an audit
  // waiting on the notebook would otherwise end the process mid-way (exit code 13). Hold it while we run.
  const keepAlive = setInterval(() => undefined, 1000);
  log.info('sandbox audit started', { profile: opts.profile.id, namespace: ns });
  try {
    await Promise.all([lab.start(signal), neighbour.start(signal)]);
    // "Another lab" listens on its own network, as a student's server would.
    await neighbour.exec(['sh', '-c', 'exec python3 -m http.server 8000 --bind 0.0.0.0 >/dev/null 2>&1 # classlab-audit-listener'], { detach: true });
    // Started detached: wait until it answers, or a probe that runs first finds nothing to reach and the
    // attack cannot tell "blocked" from "not listening yet" (seen in CI on a busy machine).
    await neighbour.exec(['python3', '-c', WAIT_FOR_LISTENER], { timeoutSeconds: 30 });
    await listeners.add('127.0.0.1', 'this computer (127.0.0.1)');
    const networks = ['bridge', ...(profile.network === 'internet' ? [lab.containers.names.network] : []), neighbour.containers.names.network];
    for (const gw of await bridgeGateways(docker, networks)) {
      if (!listeners.listening.some((l) => l.host === gw.ip)) await listeners.add(gw.ip, gw.label);
    }
    const ctx: AuditContext = {
      docker,
      profile,
      lab,
      neighbour,
      listeners,
      hostPorts: opts.hostPorts ?? [],
      policy: opts.policy,
      gateImage: opts.gateImage,
      engineKind: (await engineSecurity(docker)).kind,
      log,
      signal,
    };
    const attacks = [...BUILTIN_ATTACKS, ...(opts.extraAttacks ?? registeredAuditAttacks())].filter((a) => !opts.only || opts.only.includes(a.id));
    for (const attack of attacks) {
      signal.throwIfAborted();
      const started = Date.now();
      try {
        for (const r of await attack.run(ctx)) report(r);
      } catch (err) {
        if (signal.aborted) throw err;
        report({ attack: `${attack.number}. ${attack.id}`, blocked: false, evidence: `The attack could not be run: ${(err as Error).message}` });
      }
      log.info('audit attack done', { attack: attack.id, ms: Date.now() - started });
    }
    return results;
  } finally {
    clearInterval(keepAlive);
    opts.signal?.removeEventListener('abort', onAbort);
    await listeners.close();
    await removeAuditNamespace(docker, ns, [lab, neighbour], log, opts.gateImage);
    log.info('sandbox audit finished', { profile: opts.profile.id, results: results.length, blocked: results.filter((r) => r.blocked).length });
  }
}

/** Removes everything of an audit namespace: labs with their disks, then whatever still carries its label. */
export async function removeAuditNamespace(
  docker: Docker,
  ns: string,
  labs: AuditLab[],
  log: AuditOptions['log'],
  gateImage: AuditOptions['gateImage'],
): Promise<void> {
  for (const l of labs) {
    await l.remove().catch((err: unknown) => log.warn('audit clean-up: lab', { error: (err as Error).message }));
  }
  const filter = { label: [`${LABEL.instance}=${ns}`] };
  const containers = await docker.listContainers({ all: true, filters: filter }).catch(() => []);
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  // The disk helper needs the gate's trusted ID; without one there is no helper to run, and nothing to detach.
  const helperImage = await gateImage().catch(() => null);
  await removeNamespaceVolumes(docker, ns, helperImage);
  const networks = await docker.listNetworks({ filters: filter }).catch(() => []);
  await Promise.all(
    networks.map((n) =>
      docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined),
    ),
  );
  if (helperImage) await collectDiskOrphans(docker, ns, helperImage).catch(() => undefined);
}
