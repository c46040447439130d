// What every container ClassLab starts carries, whatever its job: the lab, the gate, the network holder,
// the files, disk and firewall helpers. Together with each spec's own limits this is what the CIS Docker
// Benchmark's container-runtime section (Docker Bench for Security, section 5) asks of a container:
// ulimits set, a health check at run time, and (in each spec) memory, CPU, PIDs, a read-only root and
// no-new-privileges. test/integration/sandbox-cis.test.ts checks all of them on the real engine.
import type Docker from 'dockerode';
import type { LabSecurity } from './engine-security';
import { seccompSecurityOpt } from './seccomp';

/**
 * Core dumps off, the hard limit too, so nobody in the container can raise it again (that needs
 * CAP_SYS_RESOURCE, which no ClassLab container has). A crashing process then writes no image of its
 * memory into the workspace, /tmp or wherever the kernel's core_pattern points, and a core_pattern pipe
 * handler on the host (systemd-coredump, apport) sees a limit of 0 and keeps nothing either.
 */
export const NO_CORE_DUMPS: Docker.Ulimit[] = [{ Name: 'core', Soft: 0, Hard: 0 }];

/**
 * Open files and processes, said outright rather than inherited. Podman gives every container
 * RLIMIT_NOFILE and RLIMIT_NPROC of 1048576 unless told otherwise, and where its service's own hard
 * limits are lower (a service without CAP_SYS_RESOURCE; this machine: 20000 and 96362) no container
 * starts at all ("error setting rlimit type 7"); Docker hands on dockerd's limits. Set here, both engines
 * give the same ones. 16384 files is far above what a notebook, its kernels and a terminal open.
 * RLIMIT_NPROC counts every process and thread of the uid in the whole user namespace, not the
 * container's (all labs of the desktop user's uid together, and the host's own), so it stays generous:
 * the per-lab process cap is the pids cgroup limit (PidsLimit), which counts only the container.
 */
export const FILE_AND_PROCESS_LIMITS: Docker.Ulimit[] = [
  { Name: 'nofile', Soft: 16384, Hard: 16384 },
  { Name: 'nproc', Soft: 32768, Hard: 32768 },
];

/** The ulimits of every ClassLab container: no core dumps, and the open-file and process limits above. */
export const FLOOR_ULIMITS: Docker.Ulimit[] = [...NO_CORE_DUMPS, ...FILE_AND_PROCESS_LIMITS];

/** The floor's ulimits with some of them replaced (a quick run's own, smaller nofile), each named once. */
export function floorUlimitsWith(own: Docker.Ulimit[]): Docker.Ulimit[] {
  const names = new Set(own.map((u) => u.Name));
  return [...FLOOR_ULIMITS.filter((u) => !names.has(u.Name)), ...own];
}

const SECOND_NS = 1e9;

/**
 * A Docker health check: `test` runs inside the container, as the container's user and with its
 * sandbox, every minute. ClassLab never acts on the health status (readiness polls the notebook itself);
 * it is for people looking at the engine (`docker ps`) and for the benchmark. So each test is a fixed
 * command with an absolute path to a binary on the image's read-only root, prints nothing and reads no
 * file a lab can write to.
 */
export function healthcheck(test: string[], startSeconds = 0): Docker.HealthConfig {
  return {
    Test: ['CMD', ...test],
    Interval: 60 * SECOND_NS,
    Timeout: 5 * SECOND_NS,
    Retries: 3,
    ...(startSeconds > 0 ? { StartPeriod: startSeconds * SECOND_NS } : {}),
  };
}

/**
 * The health check of a helper that runs one script and exits within seconds (disk, firewall): it ends
 * before the first check is due, so the check is only there to be declared. It tests that /proc is
 * mounted, which holds in any running container.
 */
export const ONE_SHOT_HEALTH = healthcheck(['/usr/bin/test', '-d', '/proc/self']);

/** A TCP port as it appears in /proc/net/tcp{,6}: four upper-case hex digits. */
export function procNetPort(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Healthy while something in the container's network namespace listens on `port` (IPv4 or IPv6),
 * read from /proc/net without opening a connection.
 */
export function listeningHealth(port: number): Docker.HealthConfig {
  return healthcheck(['/usr/bin/grep', '-qsE', `:${procNetPort(port)} [0-9A-F]+:0000 0A`, '/proc/net/tcp', '/proc/net/tcp6']);
}

const MiB = 1024 * 1024;

/** How a container that runs the lab's image (student code, or a helper with the lab's image) is kept in. */
export interface Confinement {
  security: LabSecurity | undefined;
  memoryMiB: number;
  cpus: number;
  pids: number;
}

/**
 * The floor of every container made from a lab's image — the lab itself, its files helper and each quick
 * run: no capabilities, no-new-privileges, ClassLab's seccomp allowlist where the engine runs runc
 * (gVisor filters system calls in its own kernel and ignores a container profile), gVisor where this
 * machine uses it, a read-only root, and memory (no swap on top, so the limit is the limit), CPU and pids
 * limits. One definition, so no container of a lab's image can be made without one part of it.
 */
export function confinedHostConfig({ security, memoryMiB, cpus, pids }: Confinement): Docker.HostConfig {
  const securityOpt = ['no-new-privileges:true'];
  if (security?.seccomp && security.runtime === 'runc') securityOpt.push(seccompSecurityOpt(security.seccompFile));
  const memory = memoryMiB * MiB;
  return {
    CapDrop: ['ALL'],
    SecurityOpt: securityOpt,
    Privileged: false,
    ...(security?.runtime === 'runsc' ? { Runtime: 'runsc' } : {}),
    ReadonlyRootfs: true,
    PidsLimit: pids,
    Memory: memory,
    MemorySwap: memory,
    NanoCpus: Math.round(cpus * 1e9),
  };
}
