import { describe, expect, it } from 'vitest';
import { Profile } from '../../../electron/core/profiles/schema';
import { labNames } from '../../../electron/core/labs/naming';
import { formatMiB } from '../../../electron/api/units';
import { explainDiskFull, explainEvent, explainNoSpace, explainProcesses } from '../../../electron/core/sandbox/explain';
import { DISK_SCRIPT, diskHelperSpec, diskNames, parseHelperOutput, workspaceVolumeSpec } from '../../../electron/core/sandbox/disk';

const profile = Profile.parse({ id: 'python', title: 'Python', image: 'classlab/python:3', resources: { memoryMiB: 1024, pids: 256, diskMiB: 2048 } });

describe('limit explanations', () => {
  it('formats sizes the way people read them', () => {
    expect(formatMiB(1024)).toBe('1 GiB');
    expect(formatMiB(1536)).toBe('1.5 GiB');
    expect(formatMiB(256)).toBe('256 MiB');
  });

  it('explains an oom event: kernel restarted while the lab runs, stopped otherwise', () => {
    expect(explainEvent({ Type: 'container', Action: 'oom' }, profile, true)?.message).toMatch(
      /^Your lab ran out of memory \(1 GiB\) and the kernel was restarted/,
    );
    expect(explainEvent({ Type: 'container', Action: 'oom' }, profile, false)?.message).toMatch(/was stopped/);
    expect(explainEvent({ Type: 'container', Action: 'die' }, profile, false)).toBeNull();
  });

  it('explains the process limit', () => {
    expect(explainProcesses(10, profile)).toBeNull();
    expect(explainProcesses(256, profile)?.message).toMatch(/^Too many processes: .*256/);
  });

  it('explains a full workspace with its size', () => {
    const GiB = 1024 ** 3;
    expect(explainDiskFull({ sizeBytes: 2 * GiB, freeBytes: GiB }, 2048)).toBeNull();
    expect(explainDiskFull({ sizeBytes: 2 * GiB, freeBytes: 4096 }, 2048)?.message).toMatch(/^Workspace full \(2 GiB\)/);
  });

  it('says which place is full on "No space left on device"', () => {
    expect(explainNoSpace('/home/student/work/data/big.csv', profile).message).toMatch(/^Workspace full \(2 GiB\)/);
    expect(explainNoSpace('/tmp/x', profile).message).toMatch(/^Temporary space \(\/tmp\) is full \(128 MiB\)/);
    expect(explainNoSpace('/dev/shm/x', profile).limit).toBe('scratch');
    expect(explainNoSpace('/home/student/.cache/pip', profile).message).toMatch(/home folder/);
    expect(explainNoSpace('/usr/lib/x', profile).message).toMatch(/read-only/);
  });
});

describe('workspace disk (pure parts)', () => {
  const names = labNames('classlab', 'python');
  const disk = diskNames(names);

  it('names the disk volume, the workspace volume and the link', () => {
    expect(disk).toEqual({ diskVolume: 'classlab-python-disk', workspaceVolume: 'classlab-python-workspace', link: '/dev/classlab/classlab-python-workspace' });
  });

  it('mounts the workspace as ext4 through the link, nosuid and nodev, labelled with its size', () => {
    const v = workspaceVolumeSpec({ profile, namespace: 'classlab', disk });
    expect(v.DriverOpts).toEqual({ type: 'ext4', device: '/dev/classlab/classlab-python-workspace', o: 'nosuid,nodev' });
    expect(v.Labels).toMatchObject({ 'classlab.disk': 'loop', 'classlab.disk.mib': '2048', 'classlab.role': 'workspace', 'classlab.instance': 'classlab' });
  });

  it('runs the helper with a fixed script, MKNOD only, no network, no host device and not the host /dev', () => {
    const image = `sha256:${'b'.repeat(64)}`;
    const h = diskHelperSpec('ensure', { profile, namespace: 'classlab', disk, image });
    // The gate image by its trusted ID (images/helper-images.ts), never by a tag anyone can move.
    expect(h.Image).toBe(image);
    expect(h.Entrypoint).toEqual(['/bin/sh', '-c', DISK_SCRIPT, 'classlab-disk']);
    expect(h.Cmd).toEqual(['ensure', 'classlab-python-workspace', '2048', '1000:1000']);
    const host = h.HostConfig!;
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.CapAdd).toEqual(['MKNOD']);
    expect(host.Privileged).toBe(false);
    expect(host.SecurityOpt).toEqual(['no-new-privileges:true']);
    expect(host.NetworkMode).toBe('none');
    // loop-control and loop devices only; the helper makes their nodes in its own /dev.
    expect(host.DeviceCgroupRules).toEqual(['c 10:237 rwm', 'b 7:* rwm']);
    expect(host.Devices).toBeUndefined();
    expect(host.Binds).toEqual(['/dev/classlab:/dev/classlab:rw']);
    expect(host.Mounts).toEqual([{ Type: 'volume', Source: 'classlab-python-disk', Target: '/disk', ReadOnly: false }]);
    expect(DISK_SCRIPT).toMatch(/mknod -m 0600 \/dev\/loop-control c 10 237/);
    expect(JSON.stringify(h)).not.toMatch(/docker\.sock|seccomp=unconfined/);
  });

  it('makes the file system owned by the lab user with no reserved blocks', () => {
    expect(DISK_SCRIPT).toMatch(/mkfs\.ext4 -q -F -m 0 -L classlab -E root_owner="\$owner"/);
    expect(DISK_SCRIPT).toMatch(/flock/);
  });

  it('reads the helper output', () => {
    expect(parseHelperOutput(['created 64', 'device /dev/loop3'])).toEqual({ created: true, device: '/dev/loop3', image: null, link: null });
    expect(parseHelperOutput(['image yes', 'device /dev/loop0', 'link /dev/loop0']).link).toBe('/dev/loop0');
  });
});
