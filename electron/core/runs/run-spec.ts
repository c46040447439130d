// A quick run's container, as data: the lab's image, the lab's user, the sandbox floor of the lab
// container (sandbox/policy.ts) and tighter limits, because a run is one short program. Pure.
import type Docker from 'dockerode';
import type { RunLanguage } from '../../api/contract';
import { LABEL, LABEL_SCHEMA_VERSION, SANDBOX_REVISION } from '../labs/naming';
import { confinedHostConfig, floorUlimitsWith, ONE_SHOT_HEALTH } from '../sandbox/container-floor';
import type { LabSecurity } from '../sandbox/engine-security';
import { DRIVER_BOOT, driverScript } from './driver';

const MiB = 1024 * 1024;

/** The role label of run containers, and the label that names the run. */
export const RUN_ROLE = 'quick-run';
export const RUN_LABEL = 'classlab.run';
/** A run's wall seconds, so that a sweep by another ClassLab leaves a long run (a grading run) alone. */
export const RUN_WALL_LABEL = 'classlab.run.wall';

export interface RunSandboxLimits {
  memoryMiB: number;
  cpus: number;
  pids: number;
  cpuSeconds: number;
  compileCpuSeconds: number;
  /** Wall time from start to the end of the program, enforced by ClassLab (kill, then remove). */
  wallSeconds: number;
  /** Bytes of stdout, and separately of stderr, kept; one more and the run stops with output-limit. */
  outputBytes: number;
  /** Largest file the program may write (RLIMIT_FSIZE); its scratch folder is a tmpfs of `scratchMiB`. */
  fileMiB: number;
  scratchMiB: number;
}

export const DEFAULT_RUN_LIMITS: RunSandboxLimits = {
  memoryMiB: 256,
  cpus: 1,
  pids: 64,
  cpuSeconds: 5,
  compileCpuSeconds: 10,
  wallSeconds: 10,
  outputBytes: 64 * 1024,
  fileMiB: 16,
  scratchMiB: 32,
};

export interface RunSpecInput {
  runId: string;
  labId: string;
  namespace: string;
  /** The image's ID (not its tag: nobody can re-tag it between the check and the run). */
  image: string;
  /** The lab's user, uid:gid (the profile's, already checked to be unprivileged). */
  user: string;
  lang: RunLanguage;
  limits: RunSandboxLimits;
  security: LabSecurity;
}

export function runLabels(namespace: string, labId: string, runId: string): Record<string, string> {
  return {
    [LABEL.role]: RUN_ROLE,
    [LABEL.instance]: namespace,
    [LABEL.lab]: labId,
    [LABEL.schema]: LABEL_SCHEMA_VERSION,
    [LABEL.sandbox]: SANDBOX_REVISION,
    [RUN_LABEL]: runId,
  };
}

export function runContainerSpec({ runId, labId, namespace, image, user, lang, limits, security }: RunSpecInput): Docker.ContainerCreateOptions {
  return {
    name: `${namespace}-run-${runId}`,
    Image: image,
    // The driver is ClassLab's fixed script, run by a shell that is not dumpable (DRIVER_BOOT); the
    // student's code comes on stdin (driver.ts).
    Entrypoint: ['/bin/sh', '-c', DRIVER_BOOT, driverScript(lang, limits)],
    Cmd: [],
    User: user,
    WorkingDir: '/box',
    Env: ['HOME=/box', 'TMPDIR=/tmp', 'LANG=C.UTF-8', 'PATH=/usr/local/bin:/usr/bin:/bin', 'PYTHONDONTWRITEBYTECODE=1'],
    Labels: { ...runLabels(namespace, labId, runId), [RUN_WALL_LABEL]: String(limits.wallSeconds) },
    NetworkDisabled: true,
    Tty: false,
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    StopTimeout: 1,
    Healthcheck: ONE_SHOT_HEALTH,
    HostConfig: {
      NetworkMode: 'none',
      // An init as PID 1: the program is not PID 1, so the kernel's SIGXCPU reaches it (PID 1 ignores
      // signals it has no handler for), and orphans of a fork bomb are reaped.
      Init: true,
      // The lab's floor with the run's own, tighter limits (tmpfs pages count against the memory limit).
      ...confinedHostConfig({ security, memoryMiB: limits.memoryMiB, cpus: limits.cpus, pids: limits.pids }),
      // The only writable places; nothing of the host. /box (the run's own tmpfs volume, runBoxVolumeSpec)
      // holds the source and, for C, the binary; /tmp is noexec. tmpfs pages count against the memory limit.
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,noexec,size=16m,mode=1777' },
      ShmSize: 8 * MiB,
      Ulimits: floorUlimitsWith([
        { Name: 'fsize', Soft: limits.fileMiB * MiB, Hard: limits.fileMiB * MiB },
        { Name: 'nofile', Soft: 256, Hard: 256 },
      ]),
      // Output goes only through the attach stream, capped by ClassLab: nothing of it is logged on disk.
      LogConfig: { Type: 'none', Config: {} },
      RestartPolicy: { Name: 'no' },
      Mounts: [{ Type: 'volume', Source: runBoxName(namespace, runId), Target: '/box', ReadOnly: false }],
    },
  };
}

export function runBoxName(namespace: string, runId: string): string {
  return `${namespace}-run-${runId}-box`;
}

/** tmpfs counts its size in pages (`nr_blocks`): 4 KiB on x86_64 and the usual arm64 kernels. */
const TMPFS_PAGES_PER_MiB = 256;

/**
 * A run's /box: a tmpfs owned by the lab user, 0700, executable (a C program's binary runs from there),
 * `scratchMiB` in size. A tmpfs *volume* of the local driver made for this run alone, rather than an
 * entry of HostConfig.Tmpfs, because that is what gives an owned tmpfs on both engines: Podman's
 * compatible API refuses uid=/gid= in HostConfig.Tmpfs, and ignores the driver options of an anonymous
 * volume (it made a plain folder on the host's disk, measured). Sized in pages: Podman reads a volume's
 * `size` as an XFS quota. Made just before the run's container and removed right after it (run-box.ts).
 */
export function runBoxVolumeSpec({ runId, labId, namespace, user, limits }: Pick<RunSpecInput, 'runId' | 'labId' | 'namespace' | 'user' | 'limits'>): {
  Name: string;
  Driver: string;
  DriverOpts: Record<string, string>;
  Labels: Record<string, string>;
} {
  const [uid, gid] = user.split(':');
  return {
    Name: runBoxName(namespace, runId),
    Driver: 'local',
    DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: `nr_blocks=${limits.scratchMiB * TMPFS_PAGES_PER_MiB},uid=${uid},gid=${gid},mode=0700,nosuid,nodev` },
    Labels: runLabels(namespace, labId, runId),
  };
}
