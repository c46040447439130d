// The sandbox, as data: a lab profile in, Docker create options out. Pure, so every default is unit
// tested. The floor (DESIGN.md): non-root, no capabilities, no-new-privileges, pids/memory/CPU limits,
// no network unless the profile allows the internet, no Docker socket, capped logs, and the notebook
// reachable only through the gate on the host's 127.0.0.1.
import path from 'node:path';
import type Docker from 'dockerode';
import type { Profile } from '../profiles/schema';
import type { CheckedMount } from '../profiles/mount-policy';
import { LABEL, LABEL_SCHEMA_VERSION, labLabels, type LabNames, type RunPair } from '../labs/naming';
import type { LabSecurity } from './engine-security';
import { confinedHostConfig, healthcheck, listeningHealth, FLOOR_ULIMITS } from './container-floor';
import { holderName } from './network-holder';

// The tag moves with what the gate image must hold (2: iptables for internet labs' firewall; 3: nginx, the
// HTTP-aware gate of images/gate/nginx.conf), so an installation with an older gate builds the new one
// instead of failing. Helpers never run this tag: they run the image ID its build reported
// (images/helper-images.ts), so nobody can re-tag it under them.
export const GATE_IMAGE = 'classlab/gate:3';
export const GATE_PORT = '8888/tcp';
const GATE_RUN_DIR = '/run/classlab';
const MiB = 1024 * 1024;

export interface LabSpecInput {
  profile: Profile;
  names: LabNames;
  namespace: string;
  /** The notebook token; passed by environment only (never a command line, never a log). */
  token: string;
  /**
   * What the engine offers (see engine-security.ts). Without it the lab gets Docker's own seccomp
   * profile and runc: the floor, as before.
   */
  security?: LabSecurity;
}

export const CAPPED_LOGS = { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } };

/**
 * Sizes of the writable scratch places inside the read-only root, in MiB. tmpfs pages count against the
 * lab's memory limit and cannot be swapped out, so together they stay well below it: a full /tmp must
 * not push the notebook out of memory.
 */
export function scratchSizesMiB(memoryMiB: number): { tmp: number; varTmp: number; home: number; run: number; shm: number } {
  const part = (fraction: number, max: number) => Math.max(8, Math.min(max, Math.floor(memoryMiB * fraction)));
  return { tmp: part(1 / 8, 256), varTmp: part(1 / 32, 64), home: part(1 / 32, 64), run: 8, shm: part(1 / 32, 64) };
}

/**
 * Writable places inside a read-only root, each size-capped so they cannot fill the host. The shared
 * scratch folders (/tmp, /var/tmp, /run; /dev/shm is Docker's, noexec) are `noexec`: nothing a
 * notebook, a kernel or the scientific stack does executes a file there, and they are where an exploit
 * drops what it runs. The home folder (labHome, a tmpfs volume of its own) stays executable: it is the student's own (not world-writable), it
 * holds what `pip install --user` puts in ~/.local (scripts in ~/.local/bin, compiled modules that are
 * mapped executable), and the student can run files from the workspace anyway, so noexec there would
 * break installs and stop nothing.
 */
export function labTmpfs(profile: Profile): Record<string, string> {
  const size = scratchSizesMiB(profile.resources.memoryMiB);
  const tmpfs: Record<string, string> = {
    '/tmp': `rw,nosuid,nodev,noexec,size=${size.tmp}m,mode=1777`,
    '/var/tmp': `rw,nosuid,nodev,noexec,size=${size.varTmp}m,mode=1777`,
    // /run belongs to root (the lab user cannot write there); the notebook's socket folder is a volume
    // mounted inside it.
    '/run': `rw,nosuid,nodev,noexec,size=${size.run}m,mode=0755`,
  };
  return tmpfs;
}

/**
 * The home folder (shell history, caches, kernel settings) is scratch space too, owned by the lab user;
 * the student's files live in the workspace volume mounted inside it. Null when the workspace's parent is
 * the root or one of the scratch places above.
 */
export function labHome(profile: Profile): string | null {
  const home = path.posix.dirname(profile.server.workspace);
  return home === '/' || home in labTmpfs(profile) ? null : home;
}

/** tmpfs counts its size in pages (`nr_blocks`); 4 KiB on x86_64 and on the usual arm64 kernels. */
const TMPFS_PAGES_PER_MiB = 256;

/**
 * The home folder as a tmpfs *volume* (driver local, type tmpfs), not an entry of HostConfig.Tmpfs: a
 * tmpfs owned by the lab user is what both engines give this way. Podman's compatible API refuses uid=,
 * gid= and U in HostConfig.Tmpfs, and where the path exists in the image its copy-up gives the mount the
 * image folder's owner and mode instead of the ones asked for. A volume of the local driver takes the
 * options to mount(2) as they are, on Docker and on Podman alike (measured on Docker 20.10 and Podman
 * 4.3: owner 1000:1000, mode 0755, the size, and nothing kept after the container stops, since the engine
 * mounts the volume when the container starts and unmounts it when it stops). Its size in pages, not
 * `size=`: Podman reads a volume's `size` as an XFS project quota. Executable, unlike the other scratch
 * places (see labTmpfs): mount(2)'s default, as no `noexec` is given.
 */
export function labHomeVolumeSpec({ profile, names, namespace }: Pick<LabSpecInput, 'profile' | 'names' | 'namespace'>): Docker.VolumeCreateOptions {
  const [uid, gid] = profile.server.user.split(':');
  const pages = scratchSizesMiB(profile.resources.memoryMiB).home * TMPFS_PAGES_PER_MiB;
  const { [LABEL.profile]: _fingerprint, ...labels } = labLabels(namespace, profile, 'home');
  return {
    Name: names.homeVolume,
    Driver: 'local',
    DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: `nr_blocks=${pages},uid=${uid},gid=${gid},mode=0755,nosuid,nodev` },
    // Volumes outlive profile changes, so they carry no fingerprint (containers.ts makes it anew when its options differ).
    Labels: labels,
  };
}

/**
 * The lab container. Host folders come only as `hostMounts`, the real paths mount-policy.ts checked just
 * before (never the profile's own strings).
 */
export function labContainerSpec({
  profile,
  names,
  namespace,
  token,
  security,
  hostMounts,
  pair,
}: LabSpecInput & { hostMounts: readonly CheckedMount[]; pair?: RunPair }): Docker.ContainerCreateOptions {
  const socketDir = path.posix.dirname(profile.server.socket);
  const podman = security?.engineKind === 'podman';
  return {
    // A warm lab's container has a name of its own until an Open claims it (labs/warm-labs.ts).
    name: pair?.container ?? names.container,
    Image: profile.image,
    ...(profile.server.command ? { Cmd: profile.server.command } : {}),
    User: profile.server.user,
    WorkingDir: profile.server.workspace,
    Env: [
      `JUPYTER_TOKEN=${token}`,
      `CLASSLAB_SOCKET=${profile.server.socket}`,
      `CLASSLAB_LAB=${profile.id}`,
      `HOME=${path.posix.dirname(profile.server.workspace)}`,
    ],
    Labels: labLabels(namespace, profile, 'lab'),
    NetworkDisabled: profile.network === 'none',
    StopTimeout: 10,
    // Healthy while the notebook's socket is there. `test -S` only stats the path (a link a student puts
    // there is followed by stat and nothing else), runs as the lab user inside the lab's own sandbox, and
    // prints nothing; ClassLab ignores the status, so a student can at most make it lie about itself.
    Healthcheck: healthcheck(['/usr/bin/test', '-S', profile.server.socket], 120),
    HostConfig: {
      // An internet lab joins the network namespace of its holder (network-holder.ts), whose firewall is
      // loaded before the lab container starts: no lab process ever runs without it.
      NetworkMode: profile.network === 'none' ? 'none' : `container:${holderName(names)}`,
      ...confinedHostConfig({ security, ...profile.resources }),
      Tmpfs: labTmpfs(profile),
      ShmSize: scratchSizesMiB(profile.resources.memoryMiB).shm * MiB,
      Ulimits: FLOOR_ULIMITS,
      LogConfig: CAPPED_LOGS,
      RestartPolicy: { Name: 'no' },
      // Podman mounts a tmpfs volume into the container by a bind that drops the volume's own noexec
      // (measured on 4.3: a program copied to the socket folder ran); a Binds entry carries the flags, which
      // Docker would refuse as an invalid mode, so the socket folder goes by Binds on Podman only.
      ...(podman ? { Binds: [`${names.runVolume}:${socketDir}:rw,noexec,nosuid,nodev`] } : {}),
      Mounts: [
        ...(labHome(profile) ? [{ Type: 'volume' as const, Source: names.homeVolume, Target: labHome(profile)!, ReadOnly: false }] : []),
        { Type: 'volume', Source: names.workspaceVolume, Target: profile.server.workspace, ReadOnly: false },
        ...(podman ? [] : [{ Type: 'volume' as const, Source: names.runVolume, Target: socketDir, ReadOnly: false }]),
        ...hostMounts.map((m) => ({ Type: 'bind' as const, Source: m.source, Target: m.target, ReadOnly: true })),
      ],
    },
  };
}

/**
 * The gate: serves 127.0.0.1:<random port> on the host from the lab's notebook socket, through nginx with
 * ClassLab's rules (images/gate/nginx.conf: its CSP on every response, cross-origin and foreign-Host
 * requests refused, cookies HttpOnly and SameSite=Strict). Runs no student code. `image` is the gate
 * image's trusted ID (helper-images.ts), never its tag.
 */
export function gateContainerSpec({
  profile,
  names,
  namespace,
  image,
  pair,
}: Omit<LabSpecInput, 'token'> & { image: string; pair?: RunPair }): Docker.ContainerCreateOptions {
  const socketName = path.posix.basename(profile.server.socket);
  return {
    name: pair?.gate ?? names.gate,
    Image: image,
    User: profile.server.user, // the notebook's socket is 0600, owned by the lab user
    // The image's entry point is tini; classlab-gate links the socket's name on /tmp and runs nginx.
    Cmd: ['/usr/local/bin/classlab-gate', socketName],
    Labels: labLabels(namespace, profile, 'gate'),
    ExposedPorts: { [GATE_PORT]: {} },
    StopTimeout: 2,
    // Healthy while something listens on the gate's port (read from /proc/net, no connection made).
    Healthcheck: listeningHealth(parseInt(GATE_PORT, 10)),
    HostConfig: {
      // ClassLab's own network for gates, never Docker's default bridge (CIS 5.30; see gateNetworkSpec).
      NetworkMode: gateNetworkName(namespace),
      PortBindings: { [GATE_PORT]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: true,
      // nginx's pid file and temp folders, and the link to the socket: nothing here executes. Responses and
      // uploads stream (no buffering to disk), so a few MiB are plenty.
      Tmpfs: { '/tmp': 'rw,noexec,nosuid,nodev,size=8m,mode=1777' },
      PidsLimit: 128,
      Memory: 64 * MiB,
      MemorySwap: 64 * MiB,
      NanoCpus: 0.5e9,
      Ulimits: FLOOR_ULIMITS,
      LogConfig: CAPPED_LOGS,
      RestartPolicy: { Name: 'no' },
      Mounts: [{ Type: 'volume', Source: names.runVolume, Target: GATE_RUN_DIR, ReadOnly: false }],
    },
  };
}

/**
 * The files helper: while a lab is stopped, its workspace is served by this small container made from the
 * lab's own image (the same tools, the same user), running nothing but `sleep`. Same sandbox as the lab,
 * minus the network, with little memory; only the workspace is mounted.
 */
export function filesHelperSpec({ profile, names, namespace, security }: Omit<LabSpecInput, 'token'>): Docker.ContainerCreateOptions {
  return {
    name: names.files,
    Image: profile.image,
    Entrypoint: ['sleep'],
    Cmd: ['infinity'],
    User: profile.server.user,
    WorkingDir: profile.server.workspace,
    Labels: labLabels(namespace, profile, 'files'),
    NetworkDisabled: true,
    StopTimeout: 1,
    // Healthy while the workspace is mounted and writable by the lab user.
    Healthcheck: healthcheck(['/usr/bin/test', '-w', profile.server.workspace]),
    HostConfig: {
      NetworkMode: 'none',
      Init: true,
      ...confinedHostConfig({ security, memoryMiB: 256, cpus: 1, pids: 64 }),
      Tmpfs: { '/tmp': 'rw,noexec,nosuid,nodev,size=16m' },
      Ulimits: FLOOR_ULIMITS,
      LogConfig: CAPPED_LOGS,
      RestartPolicy: { Name: 'no' },
      Mounts: [{ Type: 'volume', Source: names.workspaceVolume, Target: profile.server.workspace, ReadOnly: false }],
    },
  };
}

/** The per-lab network of a lab allowed on the internet: labs never share one, so they cannot reach each other. */
export function labNetworkSpec({ profile, names, namespace }: Omit<LabSpecInput, 'token'>): Docker.NetworkCreateOptions {
  return {
    Name: names.network,
    Driver: 'bridge',
    Internal: false,
    Labels: labLabels(namespace, profile, 'lab'),
    Options: { 'com.docker.network.bridge.enable_icc': 'false' },
  };
}

/** The network of every gate of a namespace (one for all labs: a bridge per lab would use up Docker's address pools). */
export function gateNetworkName(namespace: string): string {
  return `${namespace}-gates`;
}

/**
 * Gates publish their port on 127.0.0.1 and need nothing else from a network: not Docker's default
 * bridge (shared with every other container on the engine), no traffic between the gates on it, and no
 * masquerading, so a gate has no way out to the internet either. Not `Internal`: Docker publishes no
 * ports on internal networks.
 */
export function gateNetworkSpec(namespace: string): Docker.NetworkCreateOptions {
  return {
    Name: gateNetworkName(namespace),
    CheckDuplicate: true,
    Driver: 'bridge',
    Internal: false,
    Labels: { [LABEL.role]: 'gate', [LABEL.instance]: namespace, [LABEL.schema]: LABEL_SCHEMA_VERSION },
    Options: { 'com.docker.network.bridge.enable_icc': 'false', 'com.docker.network.bridge.enable_ip_masquerade': 'false' },
  };
}
