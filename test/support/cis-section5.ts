// The automated checks of the CIS Docker Benchmark's section 5 (container runtime), as Docker Bench for
// Security implements them (tests/5_container_runtime.sh), written again from `docker inspect` so a test
// can run them where GitHub cannot be reached. Each warning names its check and the container. Where
// Docker Bench only reports INFO (5.18 devices, 5.19 ulimits, 5.30 docker0), this reports a warning as
// well: ClassLab holds itself to those too.
import type Docker from 'dockerode';

export interface CisWarning {
  check: string;
  container: string;
  detail: string;
}

export interface CisFacts {
  /** Networks by name and ID: their driver options (docker0 is the bridge named so). */
  networks: Map<string, Record<string, string>>;
  /** Command lines of the container's processes (docker top). */
  processes: string[];
}

/** The capabilities Docker gives by default: 5.4 accepts these in CapAdd. */
const DEFAULT_CAPS = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'NET_RAW',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];
const SENSITIVE_DIRS = ['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr'];

interface MountInfo {
  Type?: string;
  Source?: string;
  Destination?: string;
  RW?: boolean;
  Propagation?: string;
}

/** Host-level check 5.1: swarm mode is off. */
export function cisSwarm(info: { Swarm?: { LocalNodeState?: string } }): CisWarning[] {
  return info.Swarm?.LocalNodeState === 'inactive'
    ? []
    : [{ check: '5.1', container: '(engine)', detail: `swarm mode is ${info.Swarm?.LocalNodeState ?? 'unknown'}` }];
}

/** Checks 5.2–5.32 for one container. */
export function cisContainer(c: Docker.ContainerInspectInfo, facts: CisFacts): CisWarning[] {
  const name = c.Name.replace(/^\//, '');
  const host = c.HostConfig as Omit<Docker.HostConfig, 'Devices'> & {
    CgroupParent?: string;
    UsernsMode?: string;
    UTSMode?: string;
    Devices?: unknown[] | null;
  };
  const out: CisWarning[] = [];
  const warn = (check: string, detail: string) => out.push({ check, container: name, detail });
  const securityOpt: string[] = host.SecurityOpt ?? [];
  const mounts = (c.Mounts ?? []) as MountInfo[];
  const ports = Object.values(c.NetworkSettings.Ports ?? {}).flatMap((b) => b ?? []);

  const apparmor = (c as { AppArmorProfile?: string }).AppArmorProfile ?? '';
  if (apparmor === '' || apparmor === 'unconfined') warn('5.2', 'no AppArmor profile');
  if (securityOpt.length === 0) warn('5.3', 'no security options');
  const added = ((host.CapAdd ?? []) as string[]).map((cap: string) => cap.toUpperCase().replace(/^CAP_/, '')).filter((cap) => !DEFAULT_CAPS.includes(cap));
  if (added.length) warn('5.4', `capabilities added: ${added.join(', ')}`);
  if (host.Privileged) warn('5.5', 'privileged');
  for (const m of mounts) {
    for (const dir of SENSITIVE_DIRS) if (m.RW && (m.Source === dir || m.Destination === dir)) warn('5.6', `sensitive directory ${dir} mounted read-write`);
    // Stricter than Docker Bench: nothing of the host's /proc, /sys, /boot, /etc, and of /dev only ClassLab's link folder.
    if (m.Type === 'bind' && /^\/(proc|sys|boot|etc)(\/|$)/.test(m.Source ?? '')) warn('5.6', `host folder ${m.Source} mounted`);
    if (m.Type === 'bind' && /^\/dev(\/|$)/.test(m.Source ?? '') && m.Source !== '/dev/classlab') warn('5.6', `host folder ${m.Source} mounted`);
  }
  if (facts.processes.some((p) => /\bsshd\b/.test(p))) warn('5.7', 'runs sshd');
  for (const p of ports) if (Number(p.HostPort) > 0 && Number(p.HostPort) < 1025) warn('5.8', `privileged port ${p.HostPort}`);
  for (const p of ports) if (p.HostPort) warn('5.9', `port ${p.HostIp}:${p.HostPort} published`);
  if (host.NetworkMode === 'host') warn('5.10', "shares the host's network namespace");
  if (!host.Memory) warn('5.11', 'no memory limit');
  if (!host.CpuShares && !host.NanoCpus) warn('5.12', 'no CPU limit');
  if (!host.ReadonlyRootfs) warn('5.13', 'root file system writable');
  for (const p of ports) if (p.HostIp === '0.0.0.0' || p.HostIp === '' || p.HostIp === '::') warn('5.14', `port ${p.HostPort} bound to every address`);
  if ((host.RestartPolicy?.MaximumRetryCount ?? 0) > 5) warn('5.15', `restart up to ${host.RestartPolicy?.MaximumRetryCount} times`);
  if (host.RestartPolicy?.Name === 'always' || host.RestartPolicy?.Name === 'unless-stopped') warn('5.15', `restart policy ${host.RestartPolicy.Name}`);
  if (host.PidMode === 'host') warn('5.16', "shares the host's PID namespace");
  if (host.IpcMode === 'host') warn('5.17', "shares the host's IPC namespace");
  if ((host.Devices ?? []).length > 0) warn('5.18', `host devices: ${JSON.stringify(host.Devices)}`);
  if ((host.Ulimits ?? []).length === 0) warn('5.19', 'no ulimits set');
  for (const m of mounts) if (/shared/.test(m.Propagation ?? '')) warn('5.20', `mount ${m.Destination} propagation ${m.Propagation}`);
  if (host.UTSMode === 'host') warn('5.21', "shares the host's UTS namespace");
  if (securityOpt.some((o: string) => /seccomp[:=]unconfined/.test(o))) warn('5.22', 'seccomp disabled');
  if (host.CgroupParent) warn('5.25', `cgroup parent ${host.CgroupParent}`);
  if (!securityOpt.some((o: string) => o.startsWith('no-new-privileges'))) warn('5.26', 'may gain new privileges');
  if (!(c.State as { Health?: { Status?: string } }).Health?.Status) warn('5.27', 'no health check');
  if (!host.PidsLimit || host.PidsLimit <= 0) warn('5.29', 'no PIDs limit');
  for (const net of Object.keys(c.NetworkSettings.Networks ?? {})) {
    if (facts.networks.get(net)?.['com.docker.network.bridge.name'] === 'docker0') warn('5.30', `on Docker's default bridge (${net})`);
  }
  if ((host.UsernsMode ?? '').includes('host')) warn('5.31', "shares the host's user namespace");
  if (mounts.some((m) => (m.Source ?? '').includes('docker.sock') || (m.Destination ?? '').includes('docker.sock'))) warn('5.32', 'Docker socket mounted');
  return out;
}

/** What check cisContainer needs from the engine besides the inspect: networks and processes. */
export async function cisFacts(docker: Docker, container: string): Promise<CisFacts> {
  const networks = new Map<string, Record<string, string>>();
  for (const n of await docker.listNetworks()) {
    networks.set(n.Name, n.Options ?? {});
    networks.set(n.Id, n.Options ?? {});
  }
  let processes: string[];
  try {
    const top = (await docker.getContainer(container).top()) as { Titles: string[]; Processes: string[][] };
    const cmd = top.Titles.indexOf('CMD');
    processes = top.Processes.map((p) => p[cmd] ?? p.join(' '));
  } catch {
    processes = [];
  }
  return { networks, processes };
}
