// The per-lab workspace disk on the real engine: a loop-backed ext4 volume that holds its size, is owned
// by the lab user, survives a reset and a "reboot" (loop device detached), and goes away completely
// when the workspace is deleted. Small sizes: 64 MiB.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readlinkSync } from 'node:fs';
import { docker, execIn, removeNamespace, testLabDeps, trustedGateImage, uniqueNamespace } from '../support/docker';
import { Profile } from '../../electron/core/profiles/schema';
import { LabContainers } from '../../electron/core/labs/containers';
import { collectDiskOrphans, detachNamespaceDisks, diskHelperSpec, runDiskHelper, workspaceUsage } from '../../electron/core/sandbox/disk';
import { demuxLogs } from '../../electron/core/engine/exec';
import { explainDiskFull } from '../../electron/core/sandbox/explain';

const ns = uniqueNamespace('cldisk');
const profile = Profile.parse({
  id: 'disk',
  title: 'Disk test',
  image: 'classlab/python:3',
  resources: { memoryMiB: 512, diskMiB: 64 },
  server: { command: ['sleep', 'infinity'] },
});
const lab = new LabContainers(() => docker, profile, ns, testLabDeps());
const ws = profile.server.workspace;

afterAll(async () => {
  await lab.removeEverything().catch(() => undefined);
  await detachNamespaceDisks(docker, ns, await trustedGateImage());
  await removeNamespace(ns);
});

async function startLab(): Promise<void> {
  await lab.ensureVolumes();
  // The lab's command here is a sleeper: no notebook, so start() gets no port from the gate. Start the
  // lab container directly after ensureVolumes made its volumes.
  await lab.start().catch((err: Error) => {
    if (!/gate/.test(err.message)) throw err;
  });
}

describe('workspace disk', () => {
  it('makes a 64 MiB ext4 workspace owned by the lab user', async () => {
    const state = await lab.ensureVolumes();
    expect(state).toMatchObject({ kind: 'loop', sizeMiB: 64, reason: null });
    expect(state.device).toMatch(/^\/dev\/loop\d+$/);
    expect(readlinkSync(lab.disk.disk.link)).toBe(state.device);
    await startLab();
    const df = await execIn(lab.names.container, ['sh', '-c', `stat -f -c '%T' ${ws}; stat -c '%u:%g %a' ${ws}; df -m ${ws} | tail -n 1`], '1000:1000');
    expect(df.out).toMatch(/^ext2\/ext3\n1000:1000 755\n/);
    const usage = await workspaceUsage(docker, lab.names.container, profile);
    expect(usage!.sizeBytes).toBeGreaterThan(40 * 1024 * 1024);
    expect(usage!.sizeBytes).toBeLessThanOrEqual(64 * 1024 * 1024);
  });

  it('stops a student filling it, and says so in plain words', async () => {
    const r = await execIn(
      lab.names.container,
      ['sh', '-c', `dd if=/dev/zero of=${ws}/fill bs=1M count=200 2>&1 | head -n 1; stat -c %s ${ws}/fill`],
      '1000:1000',
    );
    expect(r.out).toMatch(/No space left on device/);
    expect(Number(r.out.trim().split('\n').at(-1))).toBeLessThanOrEqual(64 * 1024 * 1024);
    const usage = await workspaceUsage(docker, lab.names.container, profile);
    expect(explainDiskFull(usage!, 64)?.message).toMatch(/^Workspace full \(64 MiB\)/);
    await execIn(lab.names.container, ['rm', '-f', `${ws}/fill`], '1000:1000');
  });

  it('keeps the files across a reset (containers removed and made again)', async () => {
    await execIn(lab.names.container, ['sh', '-c', `echo kept > ${ws}/kept.txt`], '1000:1000');
    await lab.removeContainers();
    await startLab();
    expect((await execIn(lab.names.container, ['cat', `${ws}/kept.txt`], '1000:1000')).out).toBe('kept');
  });

  it('re-attaches after a "reboot" (loop device and link gone) and finds the same files', async () => {
    await lab.removeContainers();
    await runDiskHelper(docker, 'detach', { profile, namespace: ns, disk: lab.disk.disk, image: await trustedGateImage() });
    expect(existsSync(lab.disk.disk.link)).toBe(false);
    const state = await lab.ensureVolumes();
    expect(state.kind).toBe('loop');
    expect(readlinkSync(lab.disk.disk.link)).toBe(state.device);
    await startLab();
    expect((await execIn(lab.names.container, ['cat', `${ws}/kept.txt`], '1000:1000')).out).toBe('kept');
  });

  it('a start after a "reboot" attaches the disk by itself (the helper runs only when it is missing)', async () => {
    await lab.removeContainers();
    await runDiskHelper(docker, 'detach', { profile, namespace: ns, disk: lab.disk.disk, image: await trustedGateImage() });
    expect(existsSync(lab.disk.disk.link)).toBe(false);
    // start() alone, as opening the lab does: no ensureVolumes() first.
    await lab.start().catch((err: Error) => {
      if (!/gate/.test(err.message)) throw err;
    });
    expect(existsSync(lab.disk.disk.link)).toBe(true);
    expect((await execIn(lab.names.container, ['cat', `${ws}/kept.txt`], '1000:1000')).out).toBe('kept');
    const df = await execIn(lab.names.container, ['df', '-k', ws], '1000:1000');
    expect(df.out).toMatch(/loop|classlab/);
  });

  it('the helper uses loop devices only: no host /dev, and no other device even with MKNOD', async () => {
    const spec = diskHelperSpec('check', { profile, namespace: ns, disk: lab.disk.disk, image: await trustedGateImage() });
    // The helper's exact spec, its command replaced by a probe: what /dev holds, and whether a node of
    // this machine's disk (block 8:0, 254:0, 259:0: sd, vd, nvme) or of /dev/mem (char 1:1) can be read.
    // Docker lets any container make device nodes; the device cgroup decides which may be opened.
    const probe = await docker.createContainer({
      ...spec,
      Entrypoint: ['/bin/sh', '-c'],
      Cmd: [
        'ls /dev | tr "\\n" " "; echo; for d in "b 8 0" "b 254 0" "b 259 0" "c 1 1"; do rm -f /dev/probe; mknod /dev/probe $d; if head -c 1 /dev/probe >/dev/null 2>/tmp/err || [ -n "$(head -c 1 /dev/probe 2>/dev/null)" ]; then echo "READ $d"; else echo "refused $d: $(cat /tmp/err)"; fi; done; mknod /dev/loop-control c 10 237 && echo "loop-control ok"; ls -d /dev/classlab && echo "links folder ok"',
      ],
      HostConfig: { ...spec.HostConfig, Tmpfs: { '/tmp': 'rw,size=1m' } },
    });
    try {
      await probe.start();
      await probe.wait();
      const out = demuxLogs((await probe.logs({ stdout: true, stderr: true })) as unknown as Buffer);
      const own = (out[0] ?? '').split(/\s+/);
      for (const host of ['sda', 'vda', 'nvme0n1', 'mem', 'kmsg', 'loop0', 'loop-control']) expect(own, host).not.toContain(host);
      expect(own).toContain('classlab');
      expect(out.join('\n')).not.toContain('READ');
      expect(out.filter((l) => /^refused .*Operation not permitted/.test(l))).toHaveLength(4);
      expect(out).toContain('loop-control ok');
      expect(out).toContain('links folder ok');
    } finally {
      await probe.remove({ force: true });
    }
  });

  it('finds orphans: a disk removed without a detach leaves a loop device, and gc frees it and its link', async () => {
    const orphanProfile = Profile.parse({ ...profile, id: 'orphan' });
    const orphan = new LabContainers(() => docker, orphanProfile, ns, testLabDeps());
    const { device } = await orphan.ensureVolumes();
    expect(device).toMatch(/^\/dev\/loop\d+$/);
    expect(readlinkSync(orphan.disk.disk.link)).toBe(device);
    // Removed behind ClassLab's back: the image file is deleted, the loop device still holds it.
    await docker.getVolume(orphan.disk.disk.workspaceVolume).remove();
    await docker.getVolume(orphan.disk.disk.diskVolume).remove();
    const backing = `/sys/block/${device!.slice(5)}/loop/backing_file`;
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(backing, 'utf8')).toMatch(/workspace\.ext4 \(deleted\)/);
    const lines = await collectDiskOrphans(docker, ns, await trustedGateImage());
    expect(lines).toContain(`orphan ${device}`);
    if (existsSync(backing)) expect(readFileSync(backing, 'utf8')).not.toMatch(/\(deleted\)/);
    expect(existsSync(orphan.disk.disk.link)).toBe(false);
    await orphan.removeEverything();
  });

  it('deletes everything when the workspace is deleted: volumes, loop device, link', async () => {
    const { device } = await lab.ensureVolumes();
    await lab.removeEverything();
    const { Volumes } = await docker.listVolumes({ filters: { label: [`classlab.instance=${ns}`] } });
    expect((Volumes ?? []).map((v) => v.Name)).toEqual([]);
    expect(existsSync(lab.disk.disk.link)).toBe(false);
    // The loop device is free again (or reused by someone else's image, never ours).
    const backing = `/sys/block/${device!.slice(5)}/loop/backing_file`;
    if (existsSync(backing)) {
      const { readFileSync } = await import('node:fs');
      expect(readFileSync(backing, 'utf8')).not.toMatch(/\(deleted\)/);
    }
  });
});
