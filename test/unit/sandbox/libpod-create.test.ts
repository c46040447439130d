// The disk helper's spec as Podman's libpod API gets it (Podman's Docker-compatible create drops device
// cgroup rules): the same rules, limits and mounts, and anything it cannot translate is refused.
import { describe, expect, it } from 'vitest';
import { Profile } from '../../../electron/core/profiles/schema';
import { labNames } from '../../../electron/core/labs/naming';
import { DISK_DEVICE_RULES, diskHelperSpec, diskNames } from '../../../electron/core/sandbox/disk';
import { deviceRule, libpodSpec } from '../../../electron/core/sandbox/libpod-create';

const profile = Profile.parse({ id: 'python', title: 'Python', image: 'classlab/python:3' });
const names = labNames('classlab', 'python');
const image = `sha256:${'a'.repeat(64)}`;

describe('libpod create of the disk helper', () => {
  it('keeps its device rules, capabilities, limits, read-only root, no network and its mounts', () => {
    const spec = libpodSpec(diskHelperSpec('ensure', { profile, namespace: 'classlab', disk: diskNames(names), image }));
    expect(spec.device_cgroup_rule).toEqual(DISK_DEVICE_RULES.map(deviceRule));
    expect(spec.device_cgroup_rule).toEqual(
      expect.arrayContaining([
        { allow: true, type: 'b', major: 7, access: 'rwm' },
        { allow: true, type: 'c', major: 10, minor: 237, access: 'rwm' },
      ]),
    );
    expect(spec).toMatchObject({
      image,
      user: '0:0',
      netns: { nsmode: 'none' },
      cap_drop: ['ALL'],
      cap_add: ['MKNOD'],
      no_new_privileges: true,
      read_only_filesystem: true,
      resource_limits: { pids: { limit: 64 }, memory: { limit: 128 * 1024 * 1024, swap: 128 * 1024 * 1024 }, cpu: { quota: 100_000, period: 100_000 } },
      log_configuration: { driver: 'k8s-file', size: 1024 * 1024 },
    });
    expect(spec.r_limits).toEqual(expect.arrayContaining([{ type: 'core', soft: 0, hard: 0 }]));
    expect(spec.volumes).toEqual([{ Name: diskNames(names).diskVolume, Dest: '/disk', Options: ['rw'] }]);
    expect(spec.mounts).toEqual([expect.objectContaining({ type: 'bind', options: ['rbind', 'rw'] })]);
  });

  it('gives the gc run its tmpfs', () => {
    const spec = libpodSpec(diskHelperSpec('gc', { profile, namespace: 'classlab', disk: null, image }));
    expect(spec.mounts).toContainEqual({ type: 'tmpfs', source: 'tmpfs', destination: '/disk', options: ['rw', 'nosuid', 'nodev', 'noexec', 'size=1m'] });
  });

  it('refuses what it cannot translate instead of dropping it', () => {
    const spec = diskHelperSpec('ensure', { profile, namespace: 'classlab', disk: diskNames(names), image });
    expect(() => libpodSpec({ ...spec, Env: ['A=1'] })).toThrow(/cannot translate Env/);
    expect(() => libpodSpec({ ...spec, HostConfig: { ...spec.HostConfig, Devices: [] } })).toThrow(/cannot translate Devices/);
    expect(() => libpodSpec({ ...spec, HostConfig: { ...spec.HostConfig, Privileged: true } })).toThrow(/privileged/);
    expect(() => libpodSpec({ ...spec, HostConfig: { ...spec.HostConfig, NetworkMode: 'bridge' } })).toThrow(/without a network/);
    expect(() => deviceRule('b 7:* rwx')).toThrow();
  });
});
