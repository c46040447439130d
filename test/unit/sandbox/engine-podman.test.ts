// What ClassLab reads from Podman's Docker-compatible /info (values as Debian's podman 4.3.1 answers
// them here), and the floor it refuses to weaken on any engine.
import { describe, expect, it } from 'vitest';
import { chooseRuntime, labSecurity, parseEngineSecurity } from '../../../electron/core/sandbox/engine-security';
import { missingInitError } from '../../../electron/core/engine/init-binary';

const profile = { id: 'python', title: 'Python', runtime: 'auto' as const };
const noTrust = { skipGvisorLabs: [] };

/** Podman 4.3.1's compat /info on this machine: every runtime containers.conf knows, only runc installed. */
const podmanInfo = {
  BuildahVersion: '1.28.2',
  DefaultRuntime: 'runc',
  Runtimes: { crun: {}, kata: {}, krun: {}, runc: {}, runj: {}, runsc: {} },
  SecurityOptions: ['name=seccomp,profile=default'],
  CgroupVersion: '1',
  Rootless: false,
  MemoryLimit: true,
  PidsLimit: true,
  CpuCfsQuota: true,
};

describe('engine security on Podman', () => {
  it('knows Podman by its BuildahVersion, and Docker by its absence', () => {
    expect(parseEngineSecurity(podmanInfo).kind).toBe('podman');
    expect(parseEngineSecurity({ Runtimes: { runc: {} } }).kind).toBe('docker');
  });

  it('takes only the default runtime from Podman, so a configured but absent runsc is not gVisor', () => {
    const e = parseEngineSecurity(podmanInfo);
    expect(e.runtimes).toEqual(['runc']);
    expect(chooseRuntime(profile, e, noTrust)).toBe('runc');
    expect(() => chooseRuntime({ ...profile, runtime: 'runsc' }, e, noTrust)).toThrow(/Podman's runtime is runc/);
    expect(chooseRuntime(profile, parseEngineSecurity({ ...podmanInfo, DefaultRuntime: 'runsc' }), noTrust)).toBe('runsc');
    // Docker's list is what it runs: unchanged.
    expect(parseEngineSecurity({ Runtimes: { runc: {}, runsc: {} } }).runtimes).toEqual(['runc', 'runsc']);
  });

  it('gives the floor where the engine enforces it', () => {
    expect(labSecurity(profile, parseEngineSecurity(podmanInfo), noTrust)).toEqual({ seccomp: true, runtime: 'runc', engineKind: 'podman' });
  });

  it('refuses to start a lab where limits would be ignored: rootless Podman on cgroup v1, or any engine that says it has none', () => {
    const rootlessV1 = parseEngineSecurity({ ...podmanInfo, Rootless: true });
    expect(rootlessV1.missingLimits).toEqual(['memory', 'pids', 'CPU']);
    expect(() => labSecurity(profile, rootlessV1, noTrust)).toThrow(/cannot enforce the lab's memory, pids, CPU limits \(rootless Podman on cgroup v1/);
    expect(parseEngineSecurity({ ...podmanInfo, Rootless: true, CgroupVersion: '2' }).missingLimits).toEqual([]);
    const noPids = parseEngineSecurity({ Runtimes: { runc: {} }, SecurityOptions: ['name=seccomp'], PidsLimit: false });
    expect(() => labSecurity(profile, noPids, noTrust)).toThrow(/this Docker engine cannot enforce the lab's pids limits/);
  });

  it('refuses runc without seccomp, on either engine', () => {
    const noSeccomp = parseEngineSecurity({ ...podmanInfo, SecurityOptions: [] });
    expect(() => labSecurity(profile, noSeccomp, noTrust)).toThrow(/does not apply seccomp profiles/);
    // gVisor filters system calls itself: no container profile needed.
    expect(labSecurity(profile, parseEngineSecurity({ ...podmanInfo, SecurityOptions: [], DefaultRuntime: 'runsc' }), noTrust).runtime).toBe('runsc');
  });
});

describe('a missing init binary', () => {
  it('is named with what to install, for Podman 4 and 5 wording; other errors are left alone', () => {
    const four = missingInitError(
      'container create: container-init binary not found on the host: stat /usr/libexec/podman/catatonit: no such file or directory',
    );
    expect(four?.code).toBe('START_FAILED');
    expect(four?.message).toMatch(/catatonit/);
    expect(four?.message).toMatch(/apt-get install catatonit/);
    expect(missingInitError('lookup init binary: exec: "catatonit": executable file not found in $PATH')).not.toBeNull();
    expect(missingInitError('No such image: classlab/python:2')).toBeNull();
  });
});
