// What the engine offers the sandbox: seccomp support, the container runtimes it runs (gVisor's runsc
// among them?), rootless mode, which limits it enforces, and whether it is Docker or Podman's compatible
// API. Read from `docker info`, which the engine answers in milliseconds; cached briefly per client so
// that a lab start does not ask twice.
import type Docker from 'dockerode';
import { LabError } from '../../api/errors';
import type { Profile } from '../profiles/schema';
import type { MachineTrust } from '../trust/machine-trust';
import { seccompProfileFile } from './seccomp-file';

export interface EngineSecurity {
  /** Docker, or Podman through its Docker-compatible API (its `info` has a BuildahVersion). */
  kind: 'docker' | 'podman';
  /** The engine applies seccomp profiles (its Security Options list seccomp). */
  seccomp: boolean;
  /** OCI runtimes the engine can run, such as runc and runsc. */
  runtimes: string[];
  rootless: boolean;
  cgroupVersion: '1' | '2' | null;
  /** Limits the engine says it cannot enforce ("memory", "pids", "CPU"): a lab is not started on it. */
  missingLimits: string[];
  /** "Docker Desktop", "Debian GNU/Linux 12 (bookworm)", … for messages. */
  operatingSystem: string | null;
}

export type LabRuntime = 'runc' | 'runsc';

/** How a container of a lab's image is confined beyond the floor's fixed parts (container-floor.ts). */
export interface LabSecurity {
  seccomp: boolean;
  runtime: LabRuntime;
  /** The seccomp profile's file on the engine's host, for engines that take a path (Podman: seccomp-file.ts). */
  seccompFile?: string;
  /** Whose engine makes the container: a mount flag or two must be asked for differently on Podman (policy.ts). */
  engineKind?: 'docker' | 'podman';
}

interface InfoLike {
  SecurityOptions?: string[] | null;
  Runtimes?: Record<string, unknown> | null;
  DefaultRuntime?: string;
  CgroupVersion?: string;
  OperatingSystem?: string;
  Rootless?: boolean;
  BuildahVersion?: string;
  MemoryLimit?: boolean;
  PidsLimit?: boolean;
  CpuCfsQuota?: boolean;
}

/**
 * Pure: docker info → what the sandbox can rely on.
 *
 * Runtimes: Docker lists the runtimes registered with it (daemon.json), which is what it runs. Podman's
 * compatible API lists every runtime its containers.conf knows how to find (crun, kata, krun, runj,
 * runsc, … measured on Debian's 4.3 with none of them but runc installed), so there only the runtime it
 * really uses counts: its DefaultRuntime. gVisor on Podman is then "runsc is Podman's default runtime".
 */
export function parseEngineSecurity(info: InfoLike): EngineSecurity {
  const options = info.SecurityOptions ?? [];
  const names = options.map((o) => /(?:^|,)name=([^,]+)/.exec(o)?.[1] ?? o);
  const cgroup = info.CgroupVersion === '1' || info.CgroupVersion === '2' ? info.CgroupVersion : null;
  const kind = typeof info.BuildahVersion === 'string' && info.BuildahVersion !== '' ? 'podman' : 'docker';
  const rootless = names.includes('rootless') || info.Rootless === true;
  const runtimes = kind === 'podman' ? (info.DefaultRuntime ? [info.DefaultRuntime] : []) : Object.keys(info.Runtimes ?? {}).sort();
  const missingLimits: string[] = [];
  // Only an explicit "no" counts: engines that do not say (older APIs) are taken at their word elsewhere.
  if (info.MemoryLimit === false) missingLimits.push('memory');
  if (info.PidsLimit === false) missingLimits.push('pids');
  if (info.CpuCfsQuota === false) missingLimits.push('CPU');
  // Rootless Podman on cgroup v1 ignores every resource limit (it only warns), while its info still says
  // the kernel has them.
  if (kind === 'podman' && rootless && cgroup === '1')
    for (const limit of ['memory', 'pids', 'CPU']) if (!missingLimits.includes(limit)) missingLimits.push(limit);
  return { kind, seccomp: names.includes('seccomp'), runtimes, rootless, cgroupVersion: cgroup, missingLimits, operatingSystem: info.OperatingSystem ?? null };
}

/** What the engine is called in messages. */
export function engineName(engine: Pick<EngineSecurity, 'kind'>): string {
  return engine.kind === 'podman' ? 'Podman' : 'Docker';
}

/**
 * Pure: the runtime and seccomp of a container made from a lab's image (the lab, its files helper, a quick
 * run), or a START_FAILED that says which part of the sandbox floor this engine cannot give. A lab is
 * never started weaker than the floor: without the memory, pids or CPU limit, or (under runc) without
 * seccomp, it is refused with the reason.
 */
export function labSecurity(
  profile: Pick<Profile, 'id' | 'runtime' | 'title'>,
  engine: EngineSecurity,
  trust: Pick<MachineTrust, 'skipGvisorLabs'>,
): LabSecurity {
  const runtime = chooseRuntime(profile, engine, trust);
  const name = engineName(engine);
  if (engine.missingLimits.length > 0) {
    const rootlessV1 = engine.kind === 'podman' && engine.rootless && engine.cgroupVersion === '1';
    throw new LabError(
      'START_FAILED',
      `${profile.title} was not started: this ${name} engine cannot enforce the lab's ${engine.missingLimits.join(', ')} limits` +
        (rootlessV1 ? ' (rootless Podman on cgroup v1 ignores resource limits: use cgroup v2, or run Podman as root)' : '') +
        ', and ClassLab never runs a lab without them.',
    );
  }
  if (runtime === 'runc' && !engine.seccomp) {
    throw new LabError(
      'START_FAILED',
      `${profile.title} was not started: this ${name} engine does not apply seccomp profiles, so ClassLab's system-call filter would be missing. Use an engine with seccomp support (or gVisor).`,
    );
  }
  return { seccomp: engine.seccomp, runtime, engineKind: engine.kind };
}

/**
 * Pure: which runtime a lab gets. 'auto' takes gVisor when the engine has it, unless this machine lets
 * that lab skip it (trust.skipGvisorLabs: the machine's decision, never the profile's). A profile that
 * insists on gVisor where there is none is an error the user can act on, never a silent downgrade.
 */
export function chooseRuntime(
  profile: Pick<Profile, 'id' | 'runtime' | 'title'>,
  engine: EngineSecurity,
  trust: Pick<MachineTrust, 'skipGvisorLabs'>,
): LabRuntime {
  const hasRunsc = engine.runtimes.includes('runsc');
  if (profile.runtime === 'runsc' && !hasRunsc) {
    throw new LabError(
      'START_FAILED',
      engine.kind === 'podman'
        ? `${profile.title} must run under gVisor (runsc), but this Podman's runtime is ${engine.runtimes[0] ?? 'unknown'}: Podman lists runtimes it is configured for, not installed ones, so ClassLab uses gVisor there only as Podman's default runtime (runtime = "runsc" in containers.conf). Or set the profile's runtime to "auto".`
        : `${profile.title} must run under gVisor (runsc), but this Docker engine has no runsc runtime. Install gVisor and register it with Docker, or set the profile's runtime to "auto".`,
    );
  }
  if (profile.runtime === 'runsc') return 'runsc';
  return hasRunsc && !trust.skipGvisorLabs.includes(profile.id) ? 'runsc' : 'runc';
}

const CACHE_MS = 30_000;
const cache = new WeakMap<Docker, { at: number; value: Promise<EngineSecurity> }>();

export function engineSecurity(docker: Docker): Promise<EngineSecurity> {
  const hit = cache.get(docker);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const value = (docker.info() as Promise<InfoLike>).then(parseEngineSecurity);
  cache.set(docker, { at: Date.now(), value });
  value.catch(() => cache.delete(docker));
  return value;
}

/**
 * The security of a container of a lab's image on this engine, with the profile's file written where
 * the engine needs a path (Podman). Throws START_FAILED where the floor cannot be had (labSecurity).
 */
export async function labSecurityOn(
  docker: Docker,
  profile: Pick<Profile, 'id' | 'runtime' | 'title'>,
  trust: Pick<MachineTrust, 'skipGvisorLabs'>,
  dataDir: string,
): Promise<LabSecurity> {
  const engine = await engineSecurity(docker);
  const security = labSecurity(profile, engine, trust);
  if (engine.kind === 'podman' && security.seccomp && security.runtime === 'runc') return { ...security, seccompFile: await seccompProfileFile(dataDir) };
  return security;
}
