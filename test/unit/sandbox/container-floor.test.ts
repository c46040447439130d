// Every container spec ClassLab makes carries the runtime floor the CIS Docker Benchmark's section 5
// asks for: core dumps off, a health check, memory, CPU and PIDs limits, a read-only root, no new
// privileges, no capability but the few each one needs, no host device, no host /dev, no default bridge.
import { describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { Profile } from '../../../electron/core/profiles/schema';
import { labNames } from '../../../electron/core/labs/naming';
import { filesHelperSpec, gateContainerSpec, labContainerSpec, labHomeVolumeSpec, labTmpfs } from '../../../electron/core/sandbox/policy';
import { networkHolderSpec } from '../../../electron/core/sandbox/network-holder';
import { diskHelperSpec, diskNames } from '../../../electron/core/sandbox/disk';
import { firewallHelperSpec, firewallRules } from '../../../electron/core/sandbox/firewall';
import { listeningHealth, procNetPort } from '../../../electron/core/sandbox/container-floor';

const none = Profile.parse({ id: 'python', title: 'Python', image: 'classlab/python:3' });
const internet = { ...none, network: 'internet' as const };
const names = labNames('classlab', 'python');
const security = { seccomp: true, runtime: 'runc' as const };
const image = `sha256:${'a'.repeat(64)}`;
const hostMounts: [] = [];

const specs: [string, Docker.ContainerCreateOptions, string[]][] = [
  ['lab (no network)', labContainerSpec({ profile: none, names, namespace: 'classlab', token: 't', security, hostMounts }), []],
  ['lab (internet)', labContainerSpec({ profile: internet, names, namespace: 'classlab', token: 't', security, hostMounts }), []],
  ['network holder', networkHolderSpec({ profile: internet, names, namespace: 'classlab', image }), []],
  ['gate', gateContainerSpec({ profile: none, names, namespace: 'classlab', image }), []],
  ['files helper', filesHelperSpec({ profile: none, names, namespace: 'classlab', security }), []],
  ['disk helper (ensure)', diskHelperSpec('ensure', { profile: none, namespace: 'classlab', disk: diskNames(names), image }), ['MKNOD']],
  ['disk helper (gc)', diskHelperSpec('gc', { profile: none, namespace: 'classlab', disk: null, image }), ['MKNOD']],
  [
    'firewall helper',
    firewallHelperSpec({
      networkContainer: 'classlab-python-holder',
      profile: internet,
      namespace: 'classlab',
      rules: firewallRules({ hostAddresses: [] }),
      image,
    }),
    ['NET_ADMIN'],
  ],
];

describe.each(specs)('%s', (_name, spec, caps) => {
  const host = spec.HostConfig!;
  it('has core dumps off, soft and hard, and open files and processes set outright (Podman would force 1048576)', () => {
    expect(host.Ulimits).toEqual([
      { Name: 'core', Soft: 0, Hard: 0 },
      { Name: 'nofile', Soft: 16384, Hard: 16384 },
      { Name: 'nproc', Soft: 32768, Hard: 32768 },
    ]);
  });
  it('declares a health check: a fixed command with an absolute path', () => {
    const test = spec.Healthcheck?.Test ?? [];
    expect(test[0]).toBe('CMD');
    expect(test[1]).toMatch(/^\/usr\/bin\//);
    expect(spec.Healthcheck?.Interval).toBeGreaterThanOrEqual(1e9);
    expect(spec.Healthcheck?.Timeout).toBeGreaterThan(0);
  });
  it('has memory, CPU and PIDs limits, a read-only root and no new privileges', () => {
    expect(host.Memory).toBeGreaterThan(0);
    expect(host.MemorySwap).toBe(host.Memory);
    expect(host.NanoCpus).toBeGreaterThan(0);
    expect(host.PidsLimit).toBeGreaterThan(0);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.SecurityOpt).toContain('no-new-privileges:true');
    expect(host.Privileged ?? false).toBe(false);
  });
  it('drops every capability and adds back only its own', () => {
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.CapAdd ?? []).toEqual(caps);
  });
  it('sees no host device, no host /dev, no Docker socket, and is not on a default network', () => {
    expect(host.Devices ?? []).toEqual([]);
    const binds = [...(host.Binds ?? []).map((b) => b.split(':')[0]), ...(host.Mounts ?? []).filter((m) => m.Type === 'bind').map((m) => m.Source)];
    for (const b of binds) expect(b === '/dev' || b === '/' || /^\/(proc|sys|etc|boot|usr|lib)(\/|$)/.test(b ?? '')).toBe(false);
    expect(JSON.stringify(spec)).not.toMatch(/docker\.sock|seccomp=unconfined/);
    expect(['bridge', 'host', 'default', '', undefined]).not.toContain(host.NetworkMode);
    expect(host.RestartPolicy).toEqual({ Name: 'no' });
  });
});

describe('scratch folders', () => {
  it('are noexec, except the home folder (the student runs pip --user installs from there, and the workspace anyway)', () => {
    const t = labTmpfs(none);
    for (const dir of ['/tmp', '/var/tmp', '/run']) expect(t[dir], dir).toMatch(/(^|,)noexec(,|$)/);
    for (const opts of Object.values(t)) expect(opts).toMatch(/nosuid,nodev/);
    // The home folder: a tmpfs volume owned by the lab user (both engines take uid= there, Podman not in
    // HostConfig.Tmpfs); mount(2) without noexec is executable.
    const home = labHomeVolumeSpec({ profile: none, names: labNames('classlab', none.id), namespace: 'classlab' });
    expect(home.DriverOpts).toEqual({ type: 'tmpfs', device: 'tmpfs', o: 'nr_blocks=16384,uid=1000,gid=1000,mode=0755,nosuid,nodev' });
    expect(home.Labels?.['classlab.profile']).toBeUndefined();
  });
});

describe("the notebook's socket folder", () => {
  it("is mounted noexec on Podman by a Binds entry (Podman drops the volume's own noexec), by a volume mount on Docker", () => {
    const docker = labContainerSpec({ profile: none, names, namespace: 'classlab', token: 't', security: { ...security, engineKind: 'docker' }, hostMounts });
    expect(docker.HostConfig?.Binds).toBeUndefined();
    expect(docker.HostConfig?.Mounts).toContainEqual({ Type: 'volume', Source: names.runVolume, Target: '/run/classlab', ReadOnly: false });
    const podman = labContainerSpec({ profile: none, names, namespace: 'classlab', token: 't', security: { ...security, engineKind: 'podman' }, hostMounts });
    expect(podman.HostConfig?.Binds).toEqual([`${names.runVolume}:/run/classlab:rw,noexec,nosuid,nodev`]);
    expect(podman.HostConfig?.Mounts?.some((m) => m.Source === names.runVolume)).toBe(false);
  });
});

describe('health checks', () => {
  it('reads listening ports from /proc/net in hex', () => {
    expect(procNetPort(8888)).toBe('22B8');
    expect(procNetPort(80)).toBe('0050');
    expect(listeningHealth(8888).Test).toEqual(['CMD', '/usr/bin/grep', '-qsE', ':22B8 [0-9A-F]+:0000 0A', '/proc/net/tcp', '/proc/net/tcp6']);
  });
});
