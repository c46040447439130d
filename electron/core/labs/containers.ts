// The Docker side of one lab: its containers (lab + gate), volumes and network, found by name and
// label. Every method reads Docker afresh: Docker is the truth, this class keeps no state of its own.
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { LabError } from '../../api/errors';
import { demuxLogs } from '../engine/exec';
import { inspectOrNull, statusOf } from '../engine/inspect';
import type { Profile } from '../profiles/schema';
import {
  filesHelperSpec,
  GATE_PORT,
  gateContainerSpec,
  gateNetworkName,
  gateNetworkSpec,
  labContainerSpec,
  labHome,
  labHomeVolumeSpec,
  labNetworkSpec,
} from '../sandbox/policy';
import { holderName, networkHolderSpec } from '../sandbox/network-holder';
import { WorkspaceDisk, type DiskState } from '../sandbox/disk';
import { applyLabFirewall } from '../sandbox/firewall';
import { labSecurityOn } from '../sandbox/engine-security';
import { imageId } from '../images/images';
import { declaredVolumeProblems } from '../images/custom-image';
import { missingInitError } from '../engine/init-binary';
import { checkedMounts, type CheckedMount, type HostPolicy } from '../profiles/mount-policy';
import { LABEL, labLabels, labNames, madeFrom, warmNames, type LabNames, type RunPair } from './naming';
import type { ContainerState, Observation } from './state';

export interface LabDetails {
  observation: Observation;
  /**
   * Where this computer reaches the gate, on its own 127.0.0.1, while the gate runs: the gate's published
   * port, or for a remote engine the local end of its ssh forward (LabDeps.reach).
   */
  port: number | null;
  token: string | null;
  /** The container was made from an older profile or image: recreate it at the next start. */
  outdated: boolean;
}

type Inspect = Docker.ContainerInspectInfo;

/** What this machine, not the profile, decides for a lab's containers. */
export interface LabDeps {
  /** The trusted ID of ClassLab's gate image (images/helper-images.ts): the gate, disk, firewall and holder helpers run it. */
  gateImage: () => Promise<string>;
  /** This machine's trust and private folders: the lab's mounts and its runtime are checked against them. */
  policy: HostPolicy;
  /** A warm start of this lab under way (labs/warm-labs.ts), which an Open waits for before it claims. */
  warming?: (labId: string) => Promise<void> | undefined;
  /**
   * Where this computer reaches a port the engine's host published on its 127.0.0.1 (Engine.reach): the
   * same port for a local engine, an ssh forward for a remote one. Absent: the same port.
   */
  reach?: (port: number) => Promise<number>;
}

export class LabContainers {
  readonly names: LabNames;
  /** The size-limited workspace (see sandbox/disk.ts). */
  readonly disk: WorkspaceDisk;

  constructor(
    private readonly docker: () => Docker,
    readonly profile: Profile,
    private readonly namespace: string,
    private readonly deps: LabDeps,
  ) {
    this.names = labNames(namespace, profile.id);
    this.disk = new WorkspaceDisk(docker, profile, namespace, this.names, deps.gateImage);
  }

  async details(): Promise<LabDetails> {
    const docker = this.docker();
    const [lab, gate, currentImage] = await Promise.all([
      inspectOrNull(docker, this.names.container),
      inspectOrNull(docker, this.names.gate),
      imageId(docker, this.profile.image),
    ]);
    const observation: Observation = {
      imagePresent: currentImage !== null,
      lab: stateOf(lab),
      gate: stateOf(gate),
      exitCode: lab && lab.State.Status === 'exited' ? lab.State.ExitCode : null,
      oomKilled: Boolean(lab?.State.OOMKilled),
      memoryMiB: this.profile.resources.memoryMiB,
    };
    const outdated = Boolean(
      lab &&
      (!madeFrom(lab.Config.Labels, this.profile) ||
        (currentImage !== null && lab.Image !== currentImage) ||
        (gate && !madeFrom(gate.Config.Labels, this.profile))),
    );
    return { observation, port: await this.reached(gatePort(gate)), token: tokenOf(lab), outdated };
  }

  /**
   * Makes the lab run: a warm lab ready for it is claimed (see claimWarm); otherwise volumes, network,
   * the lab container (created with a fresh token, or reused with its own), and the gate. Returns the
   * gate's port and the notebook token.
   */
  async start(): Promise<{ port: number; token: string }> {
    return (await this.claimWarm()) ?? this.startPair(this.names, false);
  }

  /**
   * A warm lab (labs/warm-labs.ts): a new pair of containers under the warm names, the lab container made
   * afresh with a new token, so no process that ever ran in a lab has seen it. Everything else is the
   * lab's own: its volumes, network, holder and firewall, and the same sandbox as any start.
   */
  async startWarm(): Promise<{ port: number; token: string }> {
    await this.removeWarm();
    return this.startPair(warmNames(this.names), true);
  }

  /** The warm pair as Docker has it: ready when both run, made from this profile, image and gate image. */
  async warmState(): Promise<{ present: boolean; ready: boolean; port: number | null; token: string | null }> {
    const docker = this.docker();
    const warm = warmNames(this.names);
    const [lab, gate] = await Promise.all([inspectOrNull(docker, warm.container), inspectOrNull(docker, warm.gate)]);
    if (!lab && !gate) return { present: false, ready: false, port: null, token: null };
    const [image, gateImage] = await Promise.all([imageId(docker, this.profile.image), this.deps.gateImage()]);
    const port = gatePort(gate);
    const token = tokenOf(lab);
    const ready = Boolean(
      lab?.State.Status === 'running' &&
      gate?.State.Status === 'running' &&
      port &&
      token &&
      madeFrom(lab.Config.Labels, this.profile) &&
      madeFrom(gate.Config.Labels, this.profile) &&
      lab.Image === image &&
      gate.Image === gateImage &&
      sameBinds(lab, await checkedMounts(this.profile, this.deps.policy)),
    );
    return { present: true, ready, port, token };
  }

  /** Removes the warm pair (the holder of an internet lab stops too unless the lab itself runs). */
  async removeWarm(): Promise<void> {
    const docker = this.docker();
    const warm = warmNames(this.names);
    for (const name of [warm.gate, warm.container]) await removeContainer(docker, name);
    if (this.profile.network === 'internet' && !(await this.isRunning())) await stopContainer(docker, holderName(this.names), 1);
  }

  /**
   * Open with a warm lab ready: the lab's own stopped containers go (they hold nothing: the workspace is a
   * volume, the home folder a tmpfs emptied at every stop) and the warm pair takes their names, the gate
   * first, so nobody watching sees a lab running without its gate. Renaming keeps the labels, so after a
   * crash at any point Docker still says what is what: a pair under the lab's names is the lab, one under
   * the warm names is warm, and a lone warm gate is removed by the next start of either. A warm pair that
   * is not ready or not made from this profile any more is removed, and the start goes on cold.
   */
  private async claimWarm(): Promise<{ port: number; token: string } | null> {
    // A warm start under way is waited for: it is further on than a cold start would be.
    await this.deps.warming?.(this.profile.id)?.catch(() => undefined);
    const state = await this.warmState();
    if (!state.present) return null;
    if (!state.ready || !state.port || !state.token || (await this.isRunning())) {
      await this.removeWarm();
      return null;
    }
    const docker = this.docker();
    const warm = warmNames(this.names);
    for (const name of [this.names.gate, this.names.container]) await removeContainer(docker, name);
    await docker.getContainer(warm.gate).rename({ name: this.names.gate });
    await docker.getContainer(warm.container).rename({ name: this.names.container });
    return { port: state.port, token: state.token };
  }

  /** The start of a pair: the lab's (`fresh` false: reuse what is there and still fits) or a warm one (always made anew). */
  private async startPair(pair: RunPair, fresh: boolean): Promise<{ port: number; token: string }> {
    const docker = this.docker();
    // A lab opened before has its workspace disk attached (it stays attached until a reboot): skip the
    // helper container on this hot path, and attach only when starting shows that the disk is missing.
    const known = await volumeExists(docker, this.names.workspaceVolume);
    if (known) await this.ensureRunVolume(docker);
    else await this.ensureVolumes();
    const withDisk = this.attachingDiskOnMountError(known);
    const internet = this.profile.network === 'internet';
    if (internet) await this.ensureNetwork(docker);
    await this.ensureGateNetwork(docker);

    let lab = fresh ? null : await inspectOrNull(docker, pair.container);
    const outdated = lab ? (await this.details()).outdated : false;
    if (lab && outdated && lab.State.Status !== 'running') {
      await this.removeContainers();
      lab = null;
    }
    // Docker binds a stopped container's host folders again when it starts it: check them now (a folder
    // may have become a link since), and make the container afresh when their real paths moved.
    if (lab && lab.State.Status !== 'running' && !sameBinds(lab, await checkedMounts(this.profile, this.deps.policy))) {
      await docker.getContainer(pair.container).remove({ force: true });
      lab = null;
    }
    if (internet && lab?.State.Status !== 'running') {
      // The lab joins its holder's namespace by the holder's container ID: a lab container made for
      // another holder (removed meanwhile) is made again.
      const holderId = await this.ensureHolder(docker);
      if (lab && lab.HostConfig.NetworkMode !== `container:${holderId}`) {
        await docker.getContainer(pair.container).remove({ force: true });
        lab = null;
      }
    }
    let token = tokenOf(lab);
    if (!lab || !token) {
      if (lab) await docker.getContainer(pair.container).remove({ force: true });
      const freshToken = randomBytes(24).toString('hex');
      token = freshToken;
      // An image that arrived without a build or pull of ClassLab's (a pack, `docker load`, a tag moved
      // meanwhile) is checked here too: a declared VOLUME would be a folder without the disk limit.
      const volumeProblems = await declaredVolumeProblems(docker, this.profile);
      if (volumeProblems?.length) {
        throw new LabError('START_FAILED', `The lab was not started: its image ${this.profile.image} ${volumeProblems.join('; ').replace(/^it /, '')}.`);
      }
      const security = await labSecurityOn(docker, this.profile, this.deps.policy.trust(), this.deps.policy.hostFolders.dataDir);
      await this.ensureHomeVolume(docker);
      // The mounts are checked right before the container is made, and it gets the real paths just checked.
      await withDisk(async () =>
        docker.createContainer(
          labContainerSpec({
            profile: this.profile,
            names: this.names,
            pair,
            namespace: this.namespace,
            token: freshToken,
            security,
            hostMounts: await checkedMounts(this.profile, this.deps.policy),
          }),
        ),
      );
      lab = await inspectOrNull(docker, pair.container);
    }
    if (lab?.State.Status !== 'running') {
      // A lab on the internet gets its firewall (no host services, no private addresses) in its holder's
      // namespace before the lab container starts, at every start (the rules are loaded again even into
      // a holder that was left running: a ClassLab that stopped half-way may have left it without them).
      // Fail closed: no firewall, no lab.
      if (internet) {
        try {
          await applyLabFirewall(docker, holderName(this.names), this.profile, this.namespace, await this.deps.gateImage());
        } catch (err) {
          await stopContainer(docker, holderName(this.names), 0).catch(() => undefined);
          throw err instanceof LabError
            ? err
            : new LabError('START_FAILED', `The lab's firewall could not be set up, so the lab was not started: ${(err as Error).message}`);
        }
      }
      await withDisk(() => startContainer(docker, pair.container));
    }

    // The gate runs the gate image by its trusted ID: a gate made from any other image (an older one, or
    // whatever the tag pointed at before ClassLab ran helpers by ID) is made afresh.
    const gateImage = await this.deps.gateImage();
    let gate = fresh ? null : await inspectOrNull(docker, pair.gate);
    if (gate && (!madeFrom(gate.Config.Labels, this.profile) || gate.Image !== gateImage)) {
      await docker.getContainer(pair.gate).remove({ force: true });
      gate = null;
    }
    if (!gate) await docker.createContainer(gateContainerSpec({ profile: this.profile, names: this.names, pair, namespace: this.namespace, image: gateImage }));
    if (gate?.State.Status !== 'running') await startContainer(docker, pair.gate);
    const port = gatePort(await inspectOrNull(docker, pair.gate));
    if (!port) throw new LabError('START_FAILED', 'The lab started but its gate has no port on 127.0.0.1.');
    return { port: (await this.reached(port))!, token };
  }

  private async reached(port: number | null): Promise<number | null> {
    return port && this.deps.reach ? this.deps.reach(port) : port;
  }

  /**
   * Stops the lab, then its gate; their containers stay, so the next open is quick. The lab goes first:
   * anyone watching (another ClassLab, the events) then never sees a running lab without its gate,
   * which would look like a start to finish.
   */
  async stop(): Promise<void> {
    const docker = this.docker();
    await stopContainer(docker, this.names.container, 10);
    if (this.profile.network === 'internet') await stopContainer(docker, holderName(this.names), 1);
    await stopContainer(docker, this.names.gate, 2);
  }

  /** Removes the containers (and the lab's network); the workspace volume stays. */
  async removeContainers(): Promise<void> {
    const docker = this.docker();
    const warm = warmNames(this.names);
    for (const name of [this.names.gate, this.names.container, warm.gate, warm.container, this.names.files, holderName(this.names)]) {
      await removeContainer(docker, name);
    }
    if (this.profile.network === 'internet') {
      try {
        await docker.getNetwork(this.names.network).remove();
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    }
  }

  /**
   * The files helper of a stopped lab (see filesHelperSpec), started if needed; returns its name. Made
   * afresh when the profile changed. The workspace disk is attached first when Docker cannot mount it.
   */
  async ensureFilesHelper(): Promise<string> {
    const docker = this.docker();
    const name = this.names.files;
    let info = await inspectOrNull(docker, name);
    if (info && !madeFrom(info.Config.Labels, this.profile)) {
      await docker.getContainer(name).remove({ force: true });
      info = null;
    }
    if (info?.State.Status === 'running') return name;
    const known = await volumeExists(docker, this.names.workspaceVolume);
    if (!known) await this.ensureVolumes();
    const withDisk = this.attachingDiskOnMountError(known);
    if (!info) {
      const security = await labSecurityOn(docker, this.profile, this.deps.policy.trust(), this.deps.policy.hostFolders.dataDir);
      await withDisk(() =>
        docker.createContainer(filesHelperSpec({ profile: this.profile, names: this.names, namespace: this.namespace, security })).catch((err: Error) => {
          throw missingInitError(err.message) ?? err;
        }),
      );
    }
    await withDisk(() => startContainer(docker, name));
    return name;
  }

  /**
   * Docker mounts the workspace when it creates a container (to copy the image's files into a new volume)
   * and when it starts it: either fails with a mount error while the disk is not attached (after a
   * reboot). The returned runner attaches it once and retries; `known` false means it was just made.
   */
  private attachingDiskOnMountError(known: boolean): <T>(step: () => Promise<T>) => Promise<T> {
    let retry = known;
    return async <T>(step: () => Promise<T>): Promise<T> => {
      try {
        return await step();
      } catch (err) {
        // ClassLab's own refusals (a host folder this machine does not allow) are not Docker's mount errors.
        if (!retry || err instanceof LabError || !/mount/i.test((err as Error).message)) throw err;
        retry = false;
        await this.ensureVolumes();
        return step();
      }
    };
  }

  /** Removes the files helper (it is only for a stopped lab, and only while files are being worked on). */
  async removeFilesHelper(): Promise<void> {
    try {
      await this.docker().getContainer(this.names.files).remove({ force: true });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  async logTail(lines = 30): Promise<string[]> {
    try {
      const buf = (await this.docker()
        .getContainer(this.names.container)
        .logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
      return demuxLogs(buf).slice(-lines);
    } catch {
      return [];
    }
  }

  async isRunning(): Promise<boolean> {
    return stateOf(await inspectOrNull(this.docker(), this.names.container)) === 'running';
  }

  /**
   * Deletes the lab for good: its containers, network, the workspace with its disk, and the socket
   * volume. Not a reset (a reset is removeContainers and keeps the workspace); for an explicit
   * "delete this workspace" and for throw-away labs.
   */
  async removeEverything(): Promise<void> {
    await this.removeContainers();
    await this.disk.remove();
    for (const volume of [this.names.runVolume, this.names.homeVolume]) {
      try {
        await this.docker().getVolume(volume).remove();
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    }
  }

  /**
   * Makes the lab's volumes ready: the workspace disk is made the first time and (re-)attached every
   * time, which after a reboot is what brings it back. Safe to call at any time, also at ClassLab's start.
   */
  async ensureVolumes(): Promise<DiskState> {
    const docker = this.docker();
    const disk = await this.disk.ensure();
    await this.ensureRunVolume(docker);
    return disk;
  }

  /** The notebook's socket lives on a tiny tmpfs shared by the lab and its gate, owned by the lab user. */
  private async ensureRunVolume(docker: Docker): Promise<void> {
    const [uid, gid] = this.profile.server.user.split(':');
    await ensureVolume(docker, {
      Name: this.names.runVolume,
      Labels: labLabelsNoFingerprint(this.namespace, this.profile, 'run'),
      Driver: 'local',
      // Nothing executes from the socket folder: noexec, like the lab's other scratch places. 1 MiB as
      // 256 pages (nr_blocks), not size=1m: Podman reads a volume's `size` as an XFS project quota and
      // refuses it on other file systems, while both engines hand nr_blocks to tmpfs as it is.
      DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: `nr_blocks=256,uid=${uid},gid=${gid},mode=0700,nosuid,nodev,noexec` },
    });
  }

  /**
   * The home folder's tmpfs volume (labHomeVolumeSpec), made before the lab container that mounts it. Its
   * options are fixed when it is made, so one made for another user or size (an edited profile; the lab
   * container using it has just been removed) is made again: it holds nothing while no lab runs.
   */
  private async ensureHomeVolume(docker: Docker): Promise<void> {
    if (!labHome(this.profile)) return;
    const spec = labHomeVolumeSpec({ profile: this.profile, names: this.names, namespace: this.namespace });
    const found = await docker
      .getVolume(this.names.homeVolume)
      .inspect()
      .catch((err: unknown) => {
        if (statusOf(err) === 404) return null;
        throw err;
      });
    if (found && sameOptions(found.Options, spec.DriverOpts)) return;
    if (found) await docker.getVolume(this.names.homeVolume).remove();
    await docker.createVolume(spec);
  }

  /**
   * The network holder of an internet lab (see sandbox/network-holder.ts), made and started if needed;
   * returns its container ID. A holder made from another profile is made again.
   */
  private async ensureHolder(docker: Docker): Promise<string> {
    const name = holderName(this.names);
    const image = await this.deps.gateImage();
    let holder = await inspectOrNull(docker, name);
    if (holder && (!madeFrom(holder.Config.Labels, this.profile) || holder.Image !== image)) {
      await docker.getContainer(name).remove({ force: true });
      holder = null;
    }
    if (!holder) await docker.createContainer(networkHolderSpec({ profile: this.profile, names: this.names, namespace: this.namespace, image }));
    if (holder?.State.Status !== 'running') await startContainer(docker, name);
    const id = (await inspectOrNull(docker, name))?.Id;
    if (!id) throw new LabError('START_FAILED', `The network holder of ${this.profile.title} vanished while it was started.`);
    return id;
  }

  /** The gates' network of this namespace (shared by all its labs), made when missing. */
  private ensureGateNetwork(docker: Docker): Promise<void> {
    return ensureGateNetwork(docker, this.namespace);
  }

  private async ensureNetwork(docker: Docker): Promise<void> {
    try {
      await docker.getNetwork(this.names.network).inspect();
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      await docker.createNetwork(labNetworkSpec({ profile: this.profile, names: this.names, namespace: this.namespace }));
    }
  }
}

const gateNetworkPending = new WeakMap<Docker, Map<string, Promise<void>>>();

/**
 * Makes the gates' network of a namespace when it is missing. Docker's CheckDuplicate does not hold
 * against two creations at the same moment (seen when a lab and the audit's neighbour start together):
 * one creation per namespace at a time in this process, and should another process have made a twin
 * meanwhile, the younger unused one is removed, so the name stays unambiguous.
 */
async function ensureGateNetwork(docker: Docker, namespace: string): Promise<void> {
  let pending = gateNetworkPending.get(docker);
  if (!pending) gateNetworkPending.set(docker, (pending = new Map()));
  const running = pending.get(namespace);
  if (running) return running;
  const work = (async () => {
    const name = gateNetworkName(namespace);
    const found = await networksNamed(docker, name);
    if (found.length === 0) {
      try {
        await docker.createNetwork(gateNetworkSpec(namespace));
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
      }
    }
    const all = await networksNamed(docker, name);
    for (const twin of all.sort((a, b) => a.Created.localeCompare(b.Created)).slice(1)) {
      if (Object.keys(twin.Containers ?? {}).length === 0)
        await docker
          .getNetwork(twin.Id)
          .remove()
          .catch(() => undefined);
    }
  })().finally(() => pending!.delete(namespace));
  pending.set(namespace, work);
  return work;
}

async function networksNamed(docker: Docker, name: string): Promise<Docker.NetworkInspectInfo[]> {
  const list = await docker.listNetworks({ filters: { name: [name] } });
  // The filter matches by substring: keep the exact name only.
  return list.filter((n) => n.Name === name);
}

/** True when the container binds exactly these host folders (by real path) at these targets. */
function sameBinds(info: Inspect, mounts: readonly CheckedMount[]): boolean {
  const binds = (info.Mounts ?? [])
    .filter((m) => m.Type === 'bind')
    .map((m) => `${m.Source}\0${m.Destination}`)
    .sort();
  const want = mounts.map((m) => `${m.source}\0${m.target}`).sort();
  return binds.length === want.length && binds.every((b, i) => b === want[i]);
}

/** A volume's driver options are the ones wanted (the engine may add none of its own to a local tmpfs volume). */
function sameOptions(have: Record<string, string> | null | undefined, want: Record<string, string> | undefined): boolean {
  const a = Object.entries(have ?? {}).sort(([x], [y]) => x.localeCompare(y));
  const b = Object.entries(want ?? {}).sort(([x], [y]) => x.localeCompare(y));
  return a.length === b.length && a.every(([k, v], i) => b[i]![0] === k && b[i]![1] === v);
}

/** Volumes outlive profile changes, so they carry no fingerprint. */
function labLabelsNoFingerprint(namespace: string, profile: Profile, role: 'run'): Record<string, string> {
  const { [LABEL.profile]: _omit, ...rest } = labLabels(namespace, profile, role);
  return rest;
}

async function volumeExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getVolume(name).inspect();
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw err;
  }
}

async function ensureVolume(
  docker: Docker,
  spec: { Name: string; Labels: Record<string, string>; Driver?: string; DriverOpts?: Record<string, string> },
): Promise<void> {
  try {
    await docker.getVolume(spec.Name).inspect();
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
    await docker.createVolume(spec);
  }
}

/** Removes a container and its anonymous volumes' references (named volumes stay); absent is fine. */
async function removeContainer(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getContainer(name).remove({ force: true, v: false });
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
}

async function startContainer(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getContainer(name).start();
  } catch (err) {
    if (statusOf(err) === 304) return; // already running
    const message = (err as Error).message;
    if (/port is already allocated|address already in use/i.test(message)) throw new LabError('PORT_BUSY', `A port needed by the lab is busy: ${message}`);
    throw new LabError('START_FAILED', `Docker could not start ${name}: ${message}`);
  }
}

async function stopContainer(docker: Docker, name: string, seconds: number): Promise<void> {
  try {
    await docker.getContainer(name).stop({ t: seconds });
  } catch (err) {
    const code = statusOf(err);
    if (code !== 304 && code !== 404) throw err;
  }
}

function stateOf(info: Inspect | null): ContainerState {
  if (!info) return 'absent';
  return info.State.Status as ContainerState;
}

function tokenOf(info: Inspect | null): string | null {
  const entry = info?.Config.Env?.find((e) => e.startsWith('JUPYTER_TOKEN='));
  return entry ? entry.slice('JUPYTER_TOKEN='.length) : null;
}

function gatePort(info: Inspect | null): number | null {
  if (!info || info.State.Status !== 'running') return null;
  const binding = info.NetworkSettings.Ports?.[GATE_PORT]?.find((b) => b.HostIp === '127.0.0.1');
  return binding ? Number(binding.HostPort) : null;
}
