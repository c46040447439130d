import { describe, expect, it } from 'vitest';
import { Profile } from '../../../electron/core/profiles/schema';
import { labNames } from '../../../electron/core/labs/naming';
import { labContainerSpec, labHomeVolumeSpec, labTmpfs, scratchSizesMiB } from '../../../electron/core/sandbox/policy';
import {
  ALLOWED_SYSCALLS,
  CLONE_NAMESPACE_FLAGS,
  DENIED_SYSCALLS,
  EAFNOSUPPORT,
  EPROTONOSUPPORT,
  labSeccompProfile,
} from '../../../electron/core/sandbox/seccomp';
import { chooseRuntime, parseEngineSecurity } from '../../../electron/core/sandbox/engine-security';
import type { LabError } from '../../../electron/api/errors';

const profile = Profile.parse({ id: 'python', title: 'Python', image: 'classlab/python:3' });
const names = labNames('classlab', 'python');

describe('seccomp profile', () => {
  const p = labSeccompProfile();
  const allowed = new Set(p.syscalls.filter((s) => s.action === 'SCMP_ACT_ALLOW' && !s.args).flatMap((s) => s.names));

  it('denies by default with EPERM', () => {
    expect(p.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(p.defaultErrnoRet).toBe(1);
  });

  it('allows none of the dangerous calls, unconditionally or otherwise', () => {
    const everyAllowed = new Set(p.syscalls.filter((s) => s.action === 'SCMP_ACT_ALLOW').flatMap((s) => s.names));
    for (const name of DENIED_SYSCALLS) expect(everyAllowed.has(name), name).toBe(false);
    for (const group of Object.values(ALLOWED_SYSCALLS))
      for (const name of group) expect((DENIED_SYSCALLS as readonly string[]).includes(name), name).toBe(false);
  });

  it('allows what a notebook needs', () => {
    for (const name of ['read', 'write', 'openat', 'execve', 'mmap', 'futex', 'epoll_wait', 'getrandom', 'statx', 'bind', 'connect'])
      expect(allowed.has(name), name).toBe(true);
  });

  it('lists only native architectures, so no call of a 32-bit or x32 ABI is ever allowed', () => {
    expect(p.archMap.map((a) => a.architecture)).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64']);
    for (const a of p.archMap) expect(a.subArchitectures).toEqual([]);
    const everyAllowed = new Set(p.syscalls.filter((s) => s.action === 'SCMP_ACT_ALLOW').flatMap((s) => s.names));
    expect(everyAllowed.has('socketcall')).toBe(false);
  });

  it('allows Unix, IP and routing-netlink sockets only; other families EAFNOSUPPORT, other netlink protocols EPROTONOSUPPORT', () => {
    const rules = p.syscalls.filter((s) => s.names.includes('socket'));
    for (const r of rules) expect(r.names).toEqual(['socket']);
    // What a call gets, evaluated like the kernel's filter: the rules must never overlap, so the one
    // that matches decides; none matching means the default (EPERM).
    const answer = (family: number, protocol = 0) => {
      const hits = rules.filter((r) =>
        r.args!.every((a) => {
          const v = a.index === 0 ? family : a.index === 2 ? protocol : NaN;
          return a.op === 'SCMP_CMP_EQ' ? v === a.value : a.op === 'SCMP_CMP_NE' ? v !== a.value : a.op === 'SCMP_CMP_GT' ? v > a.value : false;
        }),
      );
      expect(hits.length, `family ${family} protocol ${protocol}`).toBeLessThanOrEqual(1);
      const hit = hits[0];
      return hit ? (hit.action === 'SCMP_ACT_ALLOW' ? 'allow' : hit.errnoRet) : 'default';
    };
    expect([answer(1), answer(2, 6), answer(10, 17), answer(16, 0)]).toEqual(['allow', 'allow', 'allow', 'allow']);
    // netlink's other protocols: sock_diag 4, xfrm 6, audit 9, netfilter 12, uevent 15, generic 16.
    for (const proto of [4, 6, 9, 12, 15, 16]) expect(answer(16, proto), `netlink ${proto}`).toBe(EPROTONOSUPPORT);
    // packet, vsock, AF_ALG, TIPC, RDS, Bluetooth, and everything up to the largest family and beyond.
    for (const f of [0, 3, 4, 5, 9, 11, 15, 17, 21, 30, 31, 38, 40, 44, 45, 255]) expect(answer(f), `family ${f}`).toBe(EAFNOSUPPORT);
  });

  it('allows clone only without namespace flags, and turns clone3 into ENOSYS', () => {
    const clone = p.syscalls.find((s) => s.names.includes('clone'));
    expect(clone?.args).toEqual([{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]);
    expect(CLONE_NAMESPACE_FLAGS & 0x10000000).toBeTruthy(); // CLONE_NEWUSER
    expect(p.syscalls.find((s) => s.names.includes('clone3'))).toMatchObject({ action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
  });
});

describe('engine security', () => {
  it('reads seccomp, runtimes and rootless from docker info', () => {
    const e = parseEngineSecurity({
      SecurityOptions: ['name=seccomp,profile=default', 'name=rootless'],
      Runtimes: { runc: {}, runsc: {} },
      CgroupVersion: '2',
      OperatingSystem: 'Docker Desktop',
    });
    expect(e).toEqual({
      kind: 'docker',
      seccomp: true,
      runtimes: ['runc', 'runsc'],
      rootless: true,
      cgroupVersion: '2',
      missingLimits: [],
      operatingSystem: 'Docker Desktop',
    });
    expect(parseEngineSecurity({ SecurityOptions: [], Runtimes: { runc: {} } }).seccomp).toBe(false);
    expect(parseEngineSecurity({}).runtimes).toEqual([]);
  });

  it('takes gVisor when asked or available, and says so when it is required but missing', () => {
    const withRunsc = parseEngineSecurity({ Runtimes: { runc: {}, runsc: {} } });
    const without = parseEngineSecurity({ Runtimes: { runc: {} } });
    const noTrust = { skipGvisorLabs: [] };
    expect(chooseRuntime({ ...profile, runtime: 'auto' }, withRunsc, noTrust)).toBe('runsc');
    expect(chooseRuntime({ ...profile, runtime: 'auto' }, without, noTrust)).toBe('runc');
    expect(chooseRuntime({ ...profile, runtime: 'runsc' }, withRunsc, noTrust)).toBe('runsc');
    expect(() => chooseRuntime({ ...profile, runtime: 'runsc' }, without, noTrust)).toThrow(/gVisor/);
    try {
      chooseRuntime({ ...profile, runtime: 'runsc' }, without, noTrust);
    } catch (err) {
      expect((err as LabError).code).toBe('START_FAILED');
    }
  });

  it('skips gVisor only for the labs this machine lets skip it, never because a profile says so', () => {
    const withRunsc = parseEngineSecurity({ Runtimes: { runc: {}, runsc: {} } });
    expect(chooseRuntime({ ...profile, runtime: 'auto' }, withRunsc, { skipGvisorLabs: [profile.id] })).toBe('runc');
    expect(chooseRuntime({ ...profile, runtime: 'auto' }, withRunsc, { skipGvisorLabs: ['another-lab'] })).toBe('runsc');
    // A lab that requires gVisor keeps it, whatever the skip list says.
    expect(chooseRuntime({ ...profile, runtime: 'runsc' }, withRunsc, { skipGvisorLabs: [profile.id] })).toBe('runsc');
    const r = Profile.safeParse({ id: 'x', title: 'X', image: 'a/b:1', runtime: 'runc' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['runtime'], message: expect.stringContaining('classlab trust gvisor skip') });
  });
});

describe('policy with engine security', () => {
  it("adds ClassLab's seccomp profile when the engine has seccomp, and gVisor when chosen", () => {
    const runc = labContainerSpec({ profile, names, namespace: 'classlab', token: 't', hostMounts: [], security: { seccomp: true, runtime: 'runc' } });
    const opts = runc.HostConfig?.SecurityOpt ?? [];
    expect(opts).toContain('no-new-privileges:true');
    const sec = opts.find((o: string) => o.startsWith('seccomp='));
    expect(JSON.parse(sec!.slice('seccomp='.length))).toEqual(labSeccompProfile());
    expect(runc.HostConfig?.Runtime).toBeUndefined();
    const gvisor = labContainerSpec({ profile, names, namespace: 'classlab', token: 't', hostMounts: [], security: { seccomp: true, runtime: 'runsc' } });
    expect(gvisor.HostConfig?.Runtime).toBe('runsc');
    const noSeccomp = labContainerSpec({ profile, names, namespace: 'classlab', token: 't', hostMounts: [], security: { seccomp: false, runtime: 'runc' } });
    expect(noSeccomp.HostConfig?.SecurityOpt).toEqual(['no-new-privileges:true']);
  });

  it('caps every scratch place, /run included, and keeps them well below the memory limit', () => {
    const t = labTmpfs(profile);
    expect(Object.keys(t).sort()).toEqual(['/run', '/tmp', '/var/tmp']);
    // The home folder is a tmpfs volume of its own (labHomeVolumeSpec), capped the same way.
    expect(labHomeVolumeSpec({ profile, names, namespace: 'classlab' }).DriverOpts?.o).toMatch(/(^|,)nr_blocks=\d+(,|$)/);
    for (const opts of Object.values(t)) expect(opts).toMatch(/size=\d+m/);
    expect(t['/run']).toMatch(/noexec/);
    for (const mem of [128, 512, 2048, 65536]) {
      const s = scratchSizesMiB(mem);
      expect(s.tmp + s.varTmp + s.home + s.run + s.shm, `memory ${mem}`).toBeLessThanOrEqual(Math.max(mem * 0.5, 48));
    }
    expect(scratchSizesMiB(2048)).toEqual({ tmp: 256, varTmp: 64, home: 64, run: 8, shm: 64 });
  });

  it('profiles default to a 2 GiB workspace and runtime auto', () => {
    expect(profile.resources.diskMiB).toBe(2048);
    expect(profile.runtime).toBe('auto');
    expect(Profile.safeParse({ id: 'x', title: 'X', image: 'a/b:1', resources: { diskMiB: 1 } }).success).toBe(false);
    expect(Profile.safeParse({ id: 'x', title: 'X', image: 'a/b:1', runtime: 'kata' }).success).toBe(false);
  });
});
