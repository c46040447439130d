// What the Docker engine offers the sandbox: seccomp support, the container runtimes it knows (gVisor's
// runsc among them?), rootless mode. Read from `docker info`, which the engine answers in milliseconds;
// cached briefly per Docker client so that a lab start does not ask twice.
import type Docker from 'dockerode';
import { LabError } from '../../api/errors';
import type { Profile } from '../profiles/schema';
import type { MachineTrust } from '../trust/machine-trust';

export interface EngineSecurity {
  /** The engine applies seccomp profiles (its Security Options list seccomp). */
  seccomp: boolean;
  /** OCI runtimes the engine knows, such as runc and runsc. */
  runtimes: string[];
  rootless: boolean;
  cgroupVersion: '1' | '2' | null;
  /** "Docker Desktop", "Debian GNU/Linux 12 (bookworm)", … for messages. */
  operatingSystem: string | null;
}

export type LabRuntime = 'runc' | 'runsc';

interface InfoLike {
  SecurityOptions?: string[] | null;
  Runtimes?: Record<string, unknown> | null;
  CgroupVersion?: string;
  OperatingSystem?: string;
}

/** Pure: docker info → what the sandbox can rely on. */
export function parseEngineSecurity(info: InfoLike): EngineSecurity {
  const options = info.SecurityOptions ?? [];
  const names = options.map((o) => /(?:^|,)name=([^,]+)/.exec(o)?.[1] ?? o);
  const cgroup = info.CgroupVersion === '1' || info.CgroupVersion === '2' ? info.CgroupVersion : null;
  return {
    seccomp: names.includes('seccomp'),
    runtimes: Object.keys(info.Runtimes ?? {}).sort(),
    rootless: names.includes('rootless'),
    cgroupVersion: cgroup,
    operatingSystem: info.OperatingSystem ?? null,
  };
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
      `${profile.title} must run under gVisor (runsc), but this Docker engine has no runsc runtime. Install gVisor and register it with Docker, or set the profile's runtime to "auto".`,
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
