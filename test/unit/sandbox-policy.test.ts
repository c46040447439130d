import { describe, expect, it } from 'vitest';
import { Profile } from '../../electron/core/profiles/schema';
import { gateContainerSpec, gateNetworkSpec, labContainerSpec, GATE_IMAGE } from '../../electron/core/sandbox/policy';
import { networkHolderSpec } from '../../electron/core/sandbox/network-holder';
import { labNames } from '../../electron/core/labs/naming';
import type { CheckedMount } from '../../electron/core/profiles/mount-policy';

const profile = Profile.parse({
  id: 'python',
  title: 'Python',
  image: 'classlab/python:3',
  resources: { memoryMiB: 1024, cpus: 1.5, pids: 300 },
  mounts: [{ kind: 'course', source: '/srv/course', target: '/home/student/course' }],
});
const names = labNames('classlab', 'python');
// What mount-policy.ts hands over: the real path it checked (here /srv/course is a link to /srv/courses/intro).
const hostMounts = [{ source: '/srv/courses/intro', target: '/home/student/course' } as CheckedMount];
const spec = labContainerSpec({ profile, names, namespace: 'classlab', token: 'secret-token', hostMounts });
const host = spec.HostConfig!;

describe('sandbox policy: lab container', () => {
  it('runs as the unprivileged user with no capabilities and no privilege gain', () => {
    expect(spec.User).toBe('1000:1000');
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.CapAdd ?? []).toEqual([]);
    expect(host.SecurityOpt).toContain('no-new-privileges:true');
    expect(host.Privileged).toBe(false);
  });

  it('applies memory (no extra swap), CPU and pids limits from the profile', () => {
    expect(host.Memory).toBe(1024 * 1024 * 1024);
    expect(host.MemorySwap).toBe(host.Memory);
    expect(host.NanoCpus).toBe(1.5e9);
    expect(host.PidsLimit).toBe(300);
  });

  it('has no network and publishes no port (the gate is the only door)', () => {
    expect(host.NetworkMode).toBe('none');
    expect(spec.NetworkDisabled).toBe(true);
    expect(host.PortBindings).toBeUndefined();
    expect(spec.ExposedPorts).toBeUndefined();
  });

  it('has a read-only root with size-capped scratch space and capped logs', () => {
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.Tmpfs?.['/tmp']).toMatch(/size=\d+m/);
    expect(host.Tmpfs?.['/home/student']).toBeUndefined(); // a tmpfs volume: see the mounts
    expect(host.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } });
  });

  it('mounts the workspace, the socket volume and the checked real paths of course folders read-only, and never the Docker socket', () => {
    expect(host.Mounts).toEqual([
      { Type: 'volume', Source: 'classlab-python-home', Target: '/home/student', ReadOnly: false },
      { Type: 'volume', Source: 'classlab-python-workspace', Target: '/home/student/work', ReadOnly: false },
      { Type: 'volume', Source: 'classlab-python-run', Target: '/run/classlab', ReadOnly: false },
      { Type: 'bind', Source: '/srv/courses/intro', Target: '/home/student/course', ReadOnly: true },
    ]);
    expect(JSON.stringify(spec)).not.toMatch(/docker\.sock/);
    expect(host.Binds).toBeUndefined();
  });

  it('passes the token by environment only, never on the command line', () => {
    expect(spec.Env).toContain('JUPYTER_TOKEN=secret-token');
    expect(JSON.stringify(spec.Cmd ?? [])).not.toContain('secret-token');
  });

  it('labels everything so Docker stays the truth', () => {
    expect(spec.Labels).toMatchObject({ 'classlab.lab': 'python', 'classlab.role': 'lab', 'classlab.schema': '1', 'classlab.instance': 'classlab' });
    expect(spec.Labels?.['classlab.profile']).toMatch(/^[a-f0-9]{16}$/);
  });

  it("puts an internet profile in its network holder's namespace (on its own network), never the shared default", () => {
    const open = labContainerSpec({ profile: { ...profile, network: 'internet' }, names, namespace: 'classlab', token: 't', hostMounts });
    expect(open.HostConfig?.NetworkMode).toBe('container:classlab-python-holder');
    expect(open.NetworkDisabled).toBe(false);
    const holder = networkHolderSpec({ profile: { ...profile, network: 'internet' }, names, namespace: 'classlab', image: GATE_IMAGE });
    expect(holder.name).toBe('classlab-python-holder');
    expect(holder.HostConfig?.NetworkMode).toBe('classlab-python-net');
    expect(holder.Cmd).toEqual(['sleep', 'infinity']);
    expect(holder.User).toBe('1000:1000');
    expect(holder.HostConfig?.CapDrop).toEqual(['ALL']);
    expect(holder.HostConfig?.CapAdd).toBeUndefined();
    expect(holder.Labels).toMatchObject({ 'classlab.role': 'holder', 'classlab.lab': 'python' });
  });
});

describe('sandbox policy: gate', () => {
  const trustedId = `sha256:${'a'.repeat(64)}`;
  const gate = gateContainerSpec({ profile, names, namespace: 'classlab', image: trustedId });
  it('runs the gate image by its trusted ID, never by its tag', () => {
    expect(gate.Image).toBe(trustedId);
    expect(JSON.stringify(gate)).not.toContain(GATE_IMAGE);
  });
  it('publishes the notebook on 127.0.0.1 only, at a random port', () => {
    expect(gate.HostConfig?.PortBindings).toEqual({ '8888/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
  });
  it('is locked down like a lab and sees only the socket volume', () => {
    expect(gate.User).toBe('1000:1000');
    expect(gate.HostConfig?.CapDrop).toEqual(['ALL']);
    expect(gate.HostConfig?.ReadonlyRootfs).toBe(true);
    expect(gate.HostConfig?.Mounts).toEqual([{ Type: 'volume', Source: 'classlab-python-run', Target: '/run/classlab', ReadOnly: false }]);
    // nginx (classlab-gate) in front of the profile's socket; its only writable place a small noexec tmpfs.
    expect(gate.Cmd).toEqual(['/usr/local/bin/classlab-gate', 'notebook.sock']);
    expect(gate.HostConfig?.Tmpfs).toEqual({ '/tmp': 'rw,noexec,nosuid,nodev,size=8m,mode=1777' });
    expect(gate.HostConfig?.Memory).toBe(64 * 1024 * 1024);
    expect(gate.HostConfig?.PidsLimit).toBe(128);
  });
  it("hands the gate the profile's own socket name", () => {
    const other = gateContainerSpec({
      profile: { ...profile, server: { ...profile.server, socket: '/run/x/jupyter.sock' } },
      names,
      namespace: 'classlab',
      image: trustedId,
    });
    expect(other.Cmd).toEqual(['/usr/local/bin/classlab-gate', 'jupyter.sock']);
  });
  it("is on ClassLab's gates network, never Docker's default bridge, and that network has no way out", () => {
    expect(gate.HostConfig?.NetworkMode).toBe('classlab-gates');
    const net = gateNetworkSpec('classlab');
    expect(net.Name).toBe('classlab-gates');
    expect(net.CheckDuplicate).toBe(true);
    expect(net.Internal).toBe(false); // Docker publishes no ports on internal networks
    expect(net.Options).toEqual({ 'com.docker.network.bridge.enable_icc': 'false', 'com.docker.network.bridge.enable_ip_masquerade': 'false' });
    expect(net.Labels).toMatchObject({ 'classlab.instance': 'classlab', 'classlab.role': 'gate' });
  });
});
