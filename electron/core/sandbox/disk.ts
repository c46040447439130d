// The workspace's hard size limit: a loop-backed ext4 file system per lab.
//
// Measured on these machines (STACK-NOTES): overlay2 quotas need XFS, and Docker's local volume driver
// cannot loop-mount a file. What holds is an ext4 image file attached to a loop device, with a local
// volume of type ext4 on that device; a student's `dd` stops at the image's size with ENOSPC.
//
//   <ns>-<lab>-disk        a plain Docker volume that holds the image file `workspace.ext4`. Living in a
//                          volume, it is wherever the engine keeps its data: on the Linux host, or in
//                          Docker Desktop's VM, which is where the loop device and the mount must be.
//   /dev/classlab/<ns>-<lab>-workspace
//                          a symbolic link, made by the helper, to the loop device (/dev/loopN) that the
//                          image is attached to. The host's /dev is a devtmpfs: the link vanishes with a
//                          reboot, just like the attachment, so it can never point at another lab's disk.
//   <ns>-<lab>-workspace   a local volume `type=ext4, device=<that link>`: the engine mounts whatever the
//                          link points to when the lab starts. The volume never goes stale when the loop
//                          number changes after a reboot; only the link is renewed.
//
// The loop device is attached by a short-lived helper container that runs one fixed script (below) with
// positional arguments, as root inside the container, with no network, no-new-privileges and Docker's
// seccomp profile, and of the capabilities only MKNOD (one of Docker's defaults). It sees no host device
// and not the host's /dev: the device cgroup lets it use only /dev/loop-control (`c 10:237`) and loop
// devices (`b 7:*`), it makes their nodes itself in its own /dev (mknod, numbers read from
// /sys/block/loopN/dev), and of the host it sees only the folder /dev/classlab, where the links live
// (Docker makes the folder when it is missing). Measured here (kernel 6.x): LOOP_CTL_GET_FREE and
// LOOP_CONFIGURE need no capability; the device cgroup and the nodes' permissions are the gate. Its image
// is ClassLab's gate image (Debian bookworm-slim, whose required packages include losetup, flock and
// mkfs.ext4), which is on every machine that runs a lab, run by the trusted ID its build reported
// (images/helper-images.ts), never by its tag.
import type Docker from 'dockerode';
import { LabError } from '../../api/errors';
import type { Profile } from '../profiles/schema';
import { LABEL, LABEL_SCHEMA_VERSION, namespaceVolumesWith, type LabNames } from '../labs/naming';
import { engineSecurity } from './engine-security';
import { createOnLibpod } from './libpod-create';
import { demuxLogs } from '../engine/exec';
import { FLOOR_ULIMITS, ONE_SHOT_HEALTH } from './container-floor';
import { execCollect } from '../engine/exec';

export const DISK_FILE = 'workspace.ext4';
export const DISK_LINK_DIR = '/dev/classlab';
/** Device cgroup rules of the helper: /dev/loop-control (char 10:237) and every loop device (block 7). */
export const DISK_DEVICE_RULES = ['c 10:237 rwm', 'b 7:* rwm'] as const;
/** Label on the workspace volume: 'loop' when it is size-limited, absent on volumes made before. */
export const DISK_LABEL = 'classlab.disk';
export const DISK_SIZE_LABEL = 'classlab.disk.mib';
const MiB = 1024 * 1024;

export interface DiskNames {
  /** The plain volume that holds the image file. */
  diskVolume: string;
  /** The size-limited volume the lab mounts (the lab's usual workspace volume name). */
  workspaceVolume: string;
  /** The link in /dev that points at the loop device. */
  link: string;
}

export function diskNames(names: LabNames): DiskNames {
  const base = names.workspaceVolume.replace(/-workspace$/, '');
  return { diskVolume: `${base}-disk`, workspaceVolume: names.workspaceVolume, link: `${DISK_LINK_DIR}/${names.workspaceVolume}` };
}

/**
 * The helper's one script. Arguments are positional ($1 operation, $2 link name, $3 size in MiB, $4
 * owner uid:gid), never spliced into the text, and each is checked again here. A lock file serializes
 * helpers of the same disk (the app and the CLI may both open a lab): two loop devices on one image
 * would corrupt it.
 */
export const DISK_SCRIPT = `set -eu
op="$1"; name="$2"; mib="$3"; owner="$4"
case "$name" in (*[!a-z0-9-]*|'') echo "bad name" >&2; exit 64;; esac
case "$mib" in (*[!0-9]*|'') echo "bad size" >&2; exit 64;; esac
case "$owner" in (*[!0-9:]*|'') echo "bad owner" >&2; exit 64;; esac
img=/disk/${DISK_FILE}; link=${DISK_LINK_DIR}/"$name"
exec 9>/disk/lock
flock -w 60 9
# Device nodes in the helper's own /dev (a tmpfs of this container): loop-control and every loop device
# the kernel has, with the numbers sysfs gives.
nodes() {
  [ -c /dev/loop-control ] || mknod -m 0600 /dev/loop-control c 10 237
  for s in /sys/block/loop*; do
    [ -r "$s/dev" ] || continue
    n=/dev/\${s##*/}
    [ -b "$n" ] && continue
    IFS=: read -r major minor < "$s/dev"
    mknod -m 0600 "$n" b "$major" "$minor"
  done
}
nodes
attached() { losetup -j "$img" | cut -d: -f1; }
make() {
  rm -f "$img.new"
  truncate -s "$mib"M "$img.new"
  mkfs.ext4 -q -F -m 0 -L classlab -E root_owner="$owner" "$img.new"
  mv "$img.new" "$img"
  echo "created $mib"
}
# Orphans: loop devices whose workspace image was deleted (its volume removed without a detach) are
# detached, and links that no longer point at an attached workspace image are removed, so a link can
# never lead to a loop device that is later reused for another lab's disk.
gc() {
  for f in /sys/block/loop*/loop/backing_file; do
    [ -r "$f" ] || continue
    case "$(cat "$f")" in
      (*/${DISK_FILE}" (deleted)") d=/dev/$(basename "$(dirname "$(dirname "$f")")"); losetup -d "$d" 2>/dev/null && echo "orphan $d" ;;
    esac
  done
  for l in ${DISK_LINK_DIR}/*; do
    [ -L "$l" ] || continue
    t=$(readlink "$l"); b=/sys/block/$(basename "$t")/loop/backing_file
    if [ ! -r "$b" ]; then rm -f "$l"; continue; fi
    case "$(cat "$b")" in (*/${DISK_FILE}) ;; (*) rm -f "$l" ;; esac
  done
}
# A free loop device: the kernel names one (making it if needed), the helper makes its node and binds the
# image to it. Helpers of all labs take turns (the lock in the shared link folder); a device taken by
# someone else in between is refused by the kernel (busy), and the next free one is tried.
bind() {
  exec 8>${DISK_LINK_DIR}/.attach.lock
  flock -w 60 8
  tries=0
  while :; do
    free=$(losetup -f)
    nodes
    if losetup "$free" "$img"; then dev=$free; break; fi
    tries=$((tries + 1))
    [ "$tries" -lt 5 ] || { echo "no free loop device" >&2; exit 1; }
  done
  exec 8>&-
}
attach() {
  gc
  dev=$(attached | head -n 1)
  [ -n "$dev" ] || bind
  ln -sfn "$dev" "$link"
  echo "device $dev"
}
case "$op" in
  ensure) [ -e "$img" ] || make; attach ;;
  detach) for d in $(attached); do losetup -d "$d"; echo "detached $d"; done; rm -f "$link" ;;
  gc) gc ;;
  check) [ -e "$img" ] && echo "image yes" || echo "image no"; for d in $(attached); do echo "device $d"; done; [ -L "$link" ] && echo "link $(readlink "$link")" || true ;;
  *) echo "bad op" >&2; exit 64 ;;
esac
`;

export type DiskOp = 'ensure' | 'detach' | 'check' | 'gc';

function diskLabels(namespace: string, profile: Profile, role: string): Record<string, string> {
  return { [LABEL.lab]: profile.id, [LABEL.role]: role, [LABEL.instance]: namespace, [LABEL.schema]: LABEL_SCHEMA_VERSION };
}

/** What one run of the helper needs; `image` is the gate image's trusted ID. */
export interface DiskHelperInput {
  profile: Profile;
  namespace: string;
  disk: DiskNames | null;
  image: string;
}

/** Pure: the helper container for one operation on one lab's disk (or, for 'gc', on none). */
export function diskHelperSpec(op: DiskOp, opts: DiskHelperInput): Docker.ContainerCreateOptions {
  const { profile, namespace, disk } = opts;
  const linkName = disk ? disk.link.slice(DISK_LINK_DIR.length + 1) : 'none';
  return {
    Image: opts.image,
    User: '0:0',
    Entrypoint: ['/bin/sh', '-c', DISK_SCRIPT, 'classlab-disk'],
    Cmd: [op, linkName, String(profile.resources.diskMiB), profile.server.user],
    Labels: diskLabels(namespace, profile, 'disk-helper'),
    NetworkDisabled: true,
    Healthcheck: ONE_SHOT_HEALTH,
    HostConfig: {
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      // Only to make the loop nodes in its own /dev; which devices it may use is the cgroup's rule below.
      CapAdd: ['MKNOD'],
      SecurityOpt: ['no-new-privileges:true'],
      Privileged: false,
      ReadonlyRootfs: true,
      DeviceCgroupRules: [...DISK_DEVICE_RULES],
      PidsLimit: 64,
      Memory: 128 * MiB,
      MemorySwap: 128 * MiB,
      NanoCpus: 1e9,
      Ulimits: FLOOR_ULIMITS,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
      RestartPolicy: { Name: 'no' },
      ...(disk ? {} : { Tmpfs: { '/disk': 'rw,nosuid,nodev,noexec,size=1m' } }),
      // The link folder of the host (or of the Docker VM), where the engine looks when it mounts a
      // workspace. A bind (not a mount) so that Docker makes it when it is missing, after a reboot.
      Binds: [`${DISK_LINK_DIR}:${DISK_LINK_DIR}:rw`],
      Mounts: disk ? [{ Type: 'volume' as const, Source: disk.diskVolume, Target: '/disk', ReadOnly: false }] : [],
    },
  };
}

/** Pure: the size-limited workspace volume on the link. */
export function workspaceVolumeSpec(opts: { profile: Profile; namespace: string; disk: DiskNames }): {
  Name: string;
  Driver: string;
  DriverOpts: Record<string, string>;
  Labels: Record<string, string>;
} {
  const { profile, namespace, disk } = opts;
  return {
    Name: disk.workspaceVolume,
    Driver: 'local',
    DriverOpts: { type: 'ext4', device: disk.link, o: 'nosuid,nodev' },
    Labels: { ...diskLabels(namespace, profile, 'workspace'), [DISK_LABEL]: 'loop', [DISK_SIZE_LABEL]: String(profile.resources.diskMiB) },
  };
}

/** What the helper printed, as facts. */
export function parseHelperOutput(lines: string[]): { created: boolean; device: string | null; image: boolean | null; link: string | null } {
  let device: string | null = null;
  let created = false;
  let image: boolean | null = null;
  let link: string | null = null;
  for (const line of lines) {
    const m = /^device (\/dev\/loop\d+)$/.exec(line.trim());
    if (m) device = m[1] ?? null;
    if (/^created \d+$/.test(line.trim())) created = true;
    if (line.trim() === 'image yes') image = true;
    if (line.trim() === 'image no') image = false;
    const l = /^link (\S+)$/.exec(line.trim());
    if (l) link = l[1] ?? null;
  }
  return { created, device, image, link };
}

export interface DiskState {
  /** 'loop': the workspace has a hard limit; 'none': a plain volume (made before, or the engine cannot). */
  kind: 'loop' | 'none';
  sizeMiB: number | null;
  device: string | null;
  /** Why there is no limit, in plain words, when kind is 'none'. */
  reason: string | null;
}

/** Runs the helper once and returns its output; throws with the output when it fails. */
export async function runDiskHelper(docker: Docker, op: DiskOp, opts: DiskHelperInput, timeoutMs = 120_000): Promise<string[]> {
  // Podman's compatible API drops the device rules the helper needs: it is made through libpod there.
  const spec = diskHelperSpec(op, opts);
  const container = (await engineSecurity(docker)).kind === 'podman' ? await createOnLibpod(docker, spec) : await docker.createContainer(spec);
  try {
    await container.start();
    const waited = await Promise.race([
      container.wait() as Promise<{ StatusCode: number }>,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs).unref()),
    ]);
    const buf = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    const lines = demuxLogs(buf);
    if (waited === null) throw new LabError('START_FAILED', `The workspace disk helper (${op}) did not finish within ${timeoutMs / 1000} s.`);
    if (waited.StatusCode !== 0) {
      throw new LabError('START_FAILED', `The workspace disk helper (${op}) failed: ${lines.slice(-5).join(' | ') || `exit ${waited.StatusCode}`}`);
    }
    return lines;
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

async function volumeOrNull(docker: Docker, name: string): Promise<Docker.VolumeInspectInfo | null> {
  try {
    return (await docker.getVolume(name).inspect()) as Docker.VolumeInspectInfo;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}

async function ensurePlainVolume(docker: Docker, name: string, labels: Record<string, string>): Promise<void> {
  if (await volumeOrNull(docker, name)) return;
  await docker.createVolume({ Name: name, Labels: labels });
}

/**
 * One lab's workspace disk. `ensure()` makes the workspace volume ready to mount: the first time it makes
 * the image (mkfs.ext4, the lab user as owner), every time it attaches the image to a loop device (after a
 * reboot that is a re-attach) and points the link at it. `remove()` deletes the workspace for good:
 * only for an explicit deletion, never for a reset.
 */
export class WorkspaceDisk {
  readonly disk: DiskNames;
  private pending: Promise<DiskState> | null = null;

  constructor(
    private readonly docker: () => Docker,
    private readonly profile: Profile,
    private readonly namespace: string,
    names: LabNames,
    /** The gate image's trusted ID, for the helper. */
    private readonly helperImage: () => Promise<string>,
  ) {
    this.disk = diskNames(names);
  }

  /** Serialized per object; helpers of different ClassLabs are serialized by the helper's lock. */
  ensure(): Promise<DiskState> {
    if (!this.pending) this.pending = this.doEnsure().finally(() => (this.pending = null));
    return this.pending;
  }

  private async doEnsure(): Promise<DiskState> {
    const docker = this.docker();
    const opts = { profile: this.profile, namespace: this.namespace, disk: this.disk, image: await this.helperImage() };
    const existing = await volumeOrNull(docker, this.disk.workspaceVolume);
    if (existing && existing.Labels?.[DISK_LABEL] !== 'loop') {
      // A workspace made before disk limits: keep using it as it is (never swap a student's files for an
      // empty disk); deleting and recreating the workspace gives it a limit.
      return {
        kind: 'none',
        sizeMiB: null,
        device: null,
        reason: 'This workspace was made before ClassLab limited workspace sizes; it has no size limit until it is deleted and made again.',
      };
    }
    await ensurePlainVolume(docker, this.disk.diskVolume, diskLabels(this.namespace, this.profile, 'disk'));
    let lines: string[];
    try {
      lines = await runDiskHelper(docker, 'ensure', opts);
    } catch (err) {
      if (existing) {
        // The disk exists: failing to attach it must stop the start, not hide the student's files.
        throw new LabError('START_FAILED', `The lab's workspace disk could not be attached: ${(err as Error).message}`);
      }
      // A first start on an engine that cannot attach loop devices (rootless engines, some VMs): the lab
      // still opens, on a plain volume, and the sandbox check says that the limit is missing.
      await docker
        .getVolume(this.disk.diskVolume)
        .remove()
        .catch(() => undefined);
      await ensurePlainVolume(docker, this.disk.workspaceVolume, { ...diskLabels(this.namespace, this.profile, 'workspace'), [DISK_LABEL]: 'none' });
      return {
        kind: 'none',
        sizeMiB: null,
        device: null,
        reason: `This Docker engine cannot attach a size-limited workspace disk (${(err as Error).message}); the workspace has no size limit.`,
      };
    }
    const out = parseHelperOutput(lines);
    if (!out.device) throw new LabError('START_FAILED', `The workspace disk helper gave no device: ${lines.join(' | ')}`);
    if (!existing) await docker.createVolume(workspaceVolumeSpec(opts));
    const size = Number(existing?.Labels?.[DISK_SIZE_LABEL] ?? this.profile.resources.diskMiB);
    return { kind: 'loop', sizeMiB: size, device: out.device, reason: null };
  }

  /** What is there now, without changing anything. */
  async state(): Promise<DiskState> {
    const v = await volumeOrNull(this.docker(), this.disk.workspaceVolume);
    if (!v) return { kind: 'none', sizeMiB: null, device: null, reason: 'The workspace has not been made yet.' };
    if (v.Labels?.[DISK_LABEL] !== 'loop') return { kind: 'none', sizeMiB: null, device: null, reason: 'The workspace has no size limit.' };
    return { kind: 'loop', sizeMiB: Number(v.Labels[DISK_SIZE_LABEL]), device: null, reason: null };
  }

  /**
   * Deletes the workspace and its disk: the volume (which must not be in use: remove the lab's containers
   * first), the loop device and its link, and the image file. Idempotent.
   */
  async remove(): Promise<void> {
    const docker = this.docker();
    const opts = { profile: this.profile, namespace: this.namespace, disk: this.disk, image: await this.helperImage() };
    try {
      await docker.getVolume(this.disk.workspaceVolume).remove();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
    if (await volumeOrNull(docker, this.disk.diskVolume)) {
      await runDiskHelper(docker, 'detach', opts);
      try {
        await docker.getVolume(this.disk.diskVolume).remove();
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      }
    }
  }
}

/**
 * Detaches every loop device of a namespace's disks (a device still mounted is freed when it is
 * unmounted). Call before removing the namespace's volumes, as tests and the audit do: removing a disk
 * volume alone leaves its loop device holding the deleted image.
 */
export async function detachNamespaceDisks(docker: Docker, namespace: string, image: string): Promise<void> {
  for (const v of await namespaceVolumesWith(docker, namespace, LABEL.role, 'disk')) {
    const lab = v.Labels?.[LABEL.lab];
    if (!lab) continue;
    const base = v.Name.replace(/-disk$/, '');
    const disk: DiskNames = { diskVolume: v.Name, workspaceVolume: `${base}-workspace`, link: `${DISK_LINK_DIR}/${base}-workspace` };
    const profile = { id: lab, resources: { diskMiB: 32 }, server: { user: '1000:1000' } } as Profile;
    await runDiskHelper(docker, 'detach', { profile, namespace, disk, image }).catch(() => undefined);
  }
}

/**
 * Removes every volume of a namespace, its disks' loop devices detached first (with the trusted ID of
 * the helper image; without one there is no helper to run, and nothing was attached). For clean-ups:
 * the audit's throw-away labs, the bench.
 */
export async function removeNamespaceVolumes(docker: Docker, namespace: string, image: string | null): Promise<void> {
  if (image) await detachNamespaceDisks(docker, namespace, image).catch(() => undefined);
  const { Volumes } = await docker
    .listVolumes({ filters: { label: [`${LABEL.instance}=${namespace}`] } })
    .catch(() => ({ Volumes: [] as Docker.VolumeInspectInfo[] }));
  await Promise.all(
    (Volumes ?? []).map((v) =>
      docker
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined),
    ),
  );
}

/**
 * Detaches loop devices whose workspace image is gone (its volume was removed without a detach) and
 * removes links that lead nowhere. Every disk `ensure` does this as well; this is for clean-ups.
 */
export async function collectDiskOrphans(docker: Docker, namespace: string, image: string): Promise<string[]> {
  const profile = { id: 'gc', resources: { diskMiB: 32 }, server: { user: '1000:1000' } } as Profile;
  return runDiskHelper(docker, 'gc', { profile, namespace, disk: null, image });
}

/** Size and free space of the workspace, read inside the running lab as the lab user (statfs). */
export async function workspaceUsage(docker: Docker, container: string, profile: Profile): Promise<{ sizeBytes: number; freeBytes: number } | null> {
  try {
    const { out } = await execCollect(docker, container, ['stat', '-f', '-c', STATFS_FORMAT, profile.server.workspace], { user: profile.server.user });
    return parseStatfs(out);
  } catch {
    return null;
  }
}

/** `stat -f -c` format for parseStatfs: block size, blocks, blocks free to the user. */
export const STATFS_FORMAT = '%S %b %a';

/** The output of `stat -f -c '%S %b %a'` as bytes, or null when it is not that. */
export function parseStatfs(text: string): { sizeBytes: number; freeBytes: number } | null {
  const [bs, blocks, avail] = text.trim().split(/\s+/).map(Number);
  if (!bs || blocks === undefined || avail === undefined || Number.isNaN(blocks) || Number.isNaN(avail)) return null;
  return { sizeBytes: bs * blocks, freeBytes: bs * avail };
}
