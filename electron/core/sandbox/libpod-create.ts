// A container made through Podman's own (libpod) API instead of its Docker-compatible one, for the one
// container that needs it: the workspace disk helper. Podman 4.3's compatible create ignores
// HostConfig.DeviceCgroupRules (measured: the helper's devices.list had no `b 7:*`, and losetup failed
// with EPERM), so on Docker's API the workspace could never get its size limit there; libpod's
// `device_cgroup_rule` is the same rule. The spec is translated from the Docker-shaped one the rest of
// ClassLab writes, so the helper has one definition; a field this module does not know is refused rather
// than dropped, so a later change to the helper cannot silently lose a limit on Podman.
import type Docker from 'dockerode';

/** The fields of a Docker create spec that translate; anything else set is an error. */
const KNOWN_TOP = new Set(['name', 'Image', 'User', 'Entrypoint', 'Cmd', 'Labels', 'NetworkDisabled', 'Healthcheck', 'HostConfig']);
const KNOWN_HOST = new Set([
  'NetworkMode',
  'CapDrop',
  'CapAdd',
  'SecurityOpt',
  'Privileged',
  'ReadonlyRootfs',
  'DeviceCgroupRules',
  'PidsLimit',
  'Memory',
  'MemorySwap',
  'NanoCpus',
  'Ulimits',
  'LogConfig',
  'RestartPolicy',
  'Tmpfs',
  'Binds',
  'Mounts',
]);

interface DeviceRule {
  allow: true;
  type: 'a' | 'b' | 'c';
  major?: number;
  minor?: number;
  access: string;
}

/** "b 7:* rwm" → libpod's LinuxDeviceCgroup (a `*` is left out: any). */
export function deviceRule(rule: string): DeviceRule {
  const m = /^([abc]) (\d+|\*):(\d+|\*) ([rwm]{1,3})$/.exec(rule);
  if (!m) throw new Error(`a device cgroup rule libpod cannot take: ${rule}`);
  const [, type, major, minor, access] = m as unknown as [string, DeviceRule['type'], string, string, string];
  return { allow: true, type, ...(major === '*' ? {} : { major: Number(major) }), ...(minor === '*' ? {} : { minor: Number(minor) }), access };
}

/** "1m", "64k" → bytes (Docker's log size notation). */
function logBytes(size: string | undefined): number | undefined {
  const m = /^(\d+)([kmg]?)$/i.exec(size ?? '');
  if (!m) return undefined;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

/** Pure: libpod's SpecGenerator for a Docker-shaped create spec of the subset above. */
export function libpodSpec(spec: Docker.ContainerCreateOptions): Record<string, unknown> {
  const unknownTop = Object.keys(spec).filter((k) => !KNOWN_TOP.has(k) && (spec as Record<string, unknown>)[k] !== undefined);
  const host = spec.HostConfig ?? {};
  const unknownHost = Object.keys(host).filter((k) => !KNOWN_HOST.has(k) && (host as Record<string, unknown>)[k] !== undefined);
  if (unknownTop.length || unknownHost.length) throw new Error(`libpod-create cannot translate ${[...unknownTop, ...unknownHost].join(', ')}`);
  if (host.Privileged) throw new Error('libpod-create never makes a privileged container');
  if (host.RestartPolicy && host.RestartPolicy.Name !== 'no') throw new Error('libpod-create makes containers that are never restarted');
  if (host.NetworkMode !== 'none' || !spec.NetworkDisabled) throw new Error('libpod-create makes containers without a network only');
  const mounts: Record<string, unknown>[] = [];
  const volumes: Record<string, unknown>[] = [];
  for (const bind of host.Binds ?? []) {
    const [source, destination, mode = 'rw'] = bind.split(':');
    mounts.push({ type: 'bind', source, destination, options: ['rbind', ...mode.split(',')] });
  }
  for (const m of host.Mounts ?? []) {
    if (m.Type === 'volume') volumes.push({ Name: m.Source, Dest: m.Target, Options: m.ReadOnly ? ['ro'] : ['rw'] });
    else if (m.Type === 'bind') mounts.push({ type: 'bind', source: m.Source, destination: m.Target, options: ['rbind', m.ReadOnly ? 'ro' : 'rw'] });
    else throw new Error(`libpod-create cannot translate a ${m.Type} mount`);
  }
  for (const [destination, options] of Object.entries(host.Tmpfs ?? {}))
    mounts.push({ type: 'tmpfs', source: 'tmpfs', destination, options: options.split(',') });
  const hc = spec.Healthcheck;
  return {
    ...(spec.name ? { name: spec.name } : {}),
    image: spec.Image,
    ...(spec.User ? { user: spec.User } : {}),
    ...(spec.Entrypoint ? { entrypoint: spec.Entrypoint } : {}),
    ...(spec.Cmd ? { command: spec.Cmd } : {}),
    labels: spec.Labels ?? {},
    netns: { nsmode: 'none' },
    cap_drop: host.CapDrop ?? [],
    cap_add: host.CapAdd ?? [],
    no_new_privileges: (host.SecurityOpt ?? []).some((o: string) => /^no-new-privileges(:true|=true)?$/.test(o)),
    read_only_filesystem: Boolean(host.ReadonlyRootfs),
    device_cgroup_rule: (host.DeviceCgroupRules ?? []).map(deviceRule),
    resource_limits: {
      ...(host.PidsLimit ? { pids: { limit: host.PidsLimit } } : {}),
      ...(host.Memory ? { memory: { limit: host.Memory, swap: host.MemorySwap ?? host.Memory } } : {}),
      ...(host.NanoCpus ? { cpu: { quota: Math.round(host.NanoCpus / 1e4), period: 100_000 } } : {}),
    },
    r_limits: (host.Ulimits ?? []).map((u) => ({ type: u.Name, soft: u.Soft, hard: u.Hard })),
    mounts,
    volumes,
    ...(host.LogConfig ? { log_configuration: { driver: 'k8s-file', size: logBytes(host.LogConfig.Config?.['max-size']) } } : {}),
    ...(hc?.Test ? { healthconfig: { Test: hc.Test, Interval: hc.Interval, Timeout: hc.Timeout, Retries: hc.Retries, StartPeriod: hc.StartPeriod } } : {}),
  };
}

/** Makes the container through libpod on the same connection; the rest (start, wait, logs, remove) goes through Docker's API by ID. */
export async function createOnLibpod(docker: Docker, spec: Docker.ContainerCreateOptions): Promise<Docker.Container> {
  const body = libpodSpec(spec);
  const created = await new Promise<{ Id: string }>((resolve, reject) =>
    docker.modem.dial(
      {
        path: '/v4.0.0/libpod/containers/create',
        method: 'POST',
        options: { _body: body },
        statusCodes: { 200: true, 201: true, 400: 'bad parameter', 404: 'no such image', 409: 'conflict', 500: 'server error' },
      },
      (err: Error | null, data: unknown) => (err ? reject(err) : resolve(data as { Id: string })),
    ),
  );
  return docker.getContainer(created.Id);
}
