// The kernel surface of a real lab: the system call filter it really runs under (read back from the
// kernel and evaluated, including the 32-bit and x32 ABIs), the same attacks tried from inside it,
// core dumps, and noexec scratch folders with the notebook stack still working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, ensureImages, execIn, memoryLogger, removeNamespace, testCore, testPolicy, trustedGateImage, uniqueNamespace } from '../support/docker';
import { AUDIT_ARCH, evaluateFilters, readSeccompFilters, X32_SYSCALL_BIT } from '../support/seccomp-bpf';
import { labNames } from '../../electron/core/labs/naming';
import { demuxLogs } from '../../electron/core/engine/exec';
import { runAudit } from '../../electron/core/audit';
import { FOREIGN_ABI_PROBE } from '../../electron/core/audit/attacks/kernel-surface';
import { KernelClient } from '../../electron/core/audit/kernel';
import { loadCatalog } from '../../electron/core/profiles/catalog';
import { REPO } from '../support/docker';
import path from 'node:path';

const ns = uniqueNamespace('clkern');
const names = labNames(ns, 'python');
const IMAGE = 'classlab/python:3';
let core: Awaited<ReturnType<typeof testCore>>;
let base = '';
let token = '';

/** A throw-away container of the lab's image with Docker's own seccomp profile: the control. */
async function withControl<T>(cmd: string[], opts: { ulimitCore?: boolean } | undefined, work: (id: string) => Promise<T>): Promise<T> {
  const c = await docker.createContainer({
    Image: IMAGE,
    Entrypoint: cmd,
    Cmd: [],
    User: '1000:1000',
    Labels: { 'classlab.instance': ns },
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'rw,size=64m,mode=1777' },
      ...(opts?.ulimitCore ? { Ulimits: [{ Name: 'core', Soft: -1, Hard: -1 }] } : {}),
    },
  });
  try {
    await c.start();
    return await work(c.id);
  } finally {
    await c.remove({ force: true });
  }
}

async function logsOf(id: string): Promise<string> {
  return demuxLogs((await docker.getContainer(id).logs({ stdout: true, stderr: true })) as unknown as Buffer).join('\n');
}

beforeAll(async () => {
  core = await testCore(ns);
  await ensureImages(core);
  const view = await core.service['labs:open']('python');
  expect(view.phase).toBe('ready');
  const url = new URL(view.notebookUrl!);
  base = `${url.origin}/`;
  token = url.searchParams.get('token')!;
}, 900_000);

afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
});

describe('the system call filter of a real lab, read back from the kernel', () => {
  const cases = [
    { what: '32-bit socketcall(SYS_SOCKET, …)', arch: AUDIT_ARCH.I386, nr: 102, args: [1n, 0x10000n] },
    { what: '32-bit socket(AF_NETLINK)', arch: AUDIT_ARCH.I386, nr: 359, args: [16n, 3n, 0n] },
    { what: '32-bit getpid', arch: AUDIT_ARCH.I386, nr: 20, args: [] },
    { what: 'x32 socket(netfilter netlink)', arch: AUDIT_ARCH.X86_64, nr: X32_SYSCALL_BIT | 41, args: [16n, 3n, 0n] },
    { what: 'x32 getpid', arch: AUDIT_ARCH.X86_64, nr: X32_SYSCALL_BIT | 39, args: [] },
  ];

  it('refuses every call of the 32-bit and x32 ABIs, socketcall first (Docker’s own profile allows them: the control)', async () => {
    if (process.arch !== 'x64') throw new Error(`this test reads an x86_64 filter; the engine here is ${process.arch}`);
    const lab = await readSeccompFilters(docker, names.container, IMAGE, { 'classlab.instance': ns });
    expect(lab.length).toBeGreaterThan(0);
    const verdicts = cases.map((c) => `${c.what}: ${evaluateFilters(lab, c)}`);
    console.log(verdicts.join('\n'));
    for (const c of cases) expect(evaluateFilters(lab, c), c.what).toMatch(/^kill-(thread|process)$/);
    await withControl(['sleep', '300'], undefined, async (id) => {
      const dflt = await readSeccompFilters(docker, id, IMAGE, { 'classlab.instance': ns });
      expect(evaluateFilters(dflt, cases[0]!)).toBe('allow');
      expect(evaluateFilters(dflt, cases[2]!)).toBe('allow');
    });
  });

  it('allows Unix, IP and routing-netlink sockets natively; other families EAFNOSUPPORT, other netlink protocols EPROTONOSUPPORT', async () => {
    const lab = await readSeccompFilters(docker, names.container, IMAGE, { 'classlab.instance': ns });
    const socket = (family: number | bigint, protocol = 0n) => evaluateFilters(lab, { arch: AUDIT_ARCH.X86_64, nr: 41, args: [BigInt(family), 1n, protocol] });
    expect([1, 2, 10, 16].map((f) => socket(f))).toEqual(['allow', 'allow', 'allow', 'allow']);
    // netlink's netfilter, audit, generic and uevent protocols.
    for (const p of [12n, 9n, 16n, 15n]) expect(socket(16, p), `netlink protocol ${p}`).toBe('errno 93');
    // packet, vsock, AF_ALG, TIPC, RDS, Bluetooth, XDP; and a family hidden in the upper bits.
    for (const f of [17, 40, 38, 30, 21, 31, 44, 0x100000002n]) expect(socket(f), `family ${f}`).toBe('errno 97');
    expect(evaluateFilters(lab, { arch: AUDIT_ARCH.X86_64, nr: 39, args: [] })).toBe('allow'); // getpid
    expect(evaluateFilters(lab, { arch: AUDIT_ARCH.X86_64, nr: 425, args: [] })).toBe('errno 1'); // io_uring_setup
  });

  it('the attempts themselves, from inside the lab as the student: no socket by any ABI (Docker’s profile gives one: the control)', async () => {
    const r = await execIn(names.container, ['python3', '-c', FOREIGN_ABI_PROBE, FOREIGN_ABI_PROBE], '1000');
    console.log(r.out);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('SOCKET (fd');
    expect(r.out).toContain('64-bit socket(netfilter netlink): REFUSED EPROTONOSUPPORT');
    // x32 calls are stopped by the filter before the kernel (which would answer ENOSYS if it has no x32).
    expect(r.out).toContain('x32 socket(netfilter netlink): KILLED SIGSYS');
    // 32-bit calls: refused by the filter, or, where the CPU or hypervisor offers no 32-bit entry at all
    // (here: int 0x80 is a general protection fault), not enterable.
    for (const l of r.out.split('\n').filter((x) => x.startsWith('32-bit'))) expect(l).toMatch(/: (KILLED SIGSYS|NO-ENTRY SIGSEGV)$/);
    const control = await withControl(['python3', '-c', FOREIGN_ABI_PROBE, FOREIGN_ABI_PROBE], undefined, async (id) => {
      await docker.getContainer(id).wait();
      return logsOf(id);
    });
    console.log(control);
    expect(control).toContain('64-bit socket(netfilter netlink): SOCKET (fd');
    expect(control).toContain('x32 socket(netfilter netlink): REFUSED ENOSYS');
  });
});

describe('core dumps', () => {
  it('are off in the lab, hard limit included, and a real crash leaves no core file', async () => {
    const limits = await execIn(names.container, ['bash', '-c', 'echo "$(ulimit -Hc) $(ulimit -Sc)"; ulimit -c unlimited 2>&1; echo "raise=$?"'], '1000');
    expect(limits.out.split('\n')[0]).toBe('0 0');
    expect(limits.out).toMatch(/raise=1/);
    const crash = await execIn(
      names.container,
      [
        'bash',
        '-c',
        'cd ~/work && sh -c "kill -SEGV \\$\\$"; echo "segv=$?"; cd /tmp && python3 -c "import os; os.abort()"; echo "abort=$?"; sleep 1; find ~/work /tmp /var/tmp ~ /dev/shm -xdev -name "core*" -type f 2>/dev/null | sed "s/^/CORE /"',
      ],
      '1000',
    );
    expect(crash.out).toContain('segv=139');
    expect(crash.out).toContain('abort=134');
    expect(crash.out).not.toContain('CORE ');
  });

  it('control: the same crash where the limit is lifted does leave a core (this kernel writes them as "core" in the working folder)', async () => {
    const pattern = (await execIn(names.container, ['cat', '/proc/sys/kernel/core_pattern'], '1000')).out.trim();
    const out = await withControl(
      ['bash', '-c', 'cd /tmp && sh -c "kill -SEGV \\$\\$"; sleep 1; ls /tmp | sed "s/^/FILE /"'],
      { ulimitCore: true },
      async (id) => {
        await docker.getContainer(id).wait();
        return logsOf(id);
      },
    );
    if (pattern.startsWith('|')) {
      // A pipe handler on the host gets the core, not the container: nothing to see in /tmp either way.
      expect(out).not.toMatch(/FILE core/);
    } else {
      expect(out).toMatch(/FILE core/);
    }
  });
});

describe('noexec scratch folders', () => {
  it('/tmp, /var/tmp, /run, /dev/shm and the socket folder are noexec; the workspace and home are not', async () => {
    const mounts = (await execIn(names.container, ['cat', '/proc/mounts'], '1000')).out.split('\n');
    const opts = (target: string) => mounts.find((l) => l.split(' ')[1] === target)?.split(' ')[3] ?? '';
    for (const t of ['/tmp', '/var/tmp', '/run', '/dev/shm', '/run/classlab']) expect(opts(t).split(','), t).toContain('noexec');
    for (const t of ['/home/student', '/home/student/work']) expect(opts(t).split(','), t).not.toContain('noexec');
    const run = await execIn(
      names.container,
      [
        'bash',
        '-c',
        'cp /bin/true /tmp/t && chmod +x /tmp/t && /tmp/t; echo "tmp=$?"; cp /bin/true ~/work/t && ~/work/t; echo "work=$?"; rm -f /tmp/t ~/work/t',
      ],
      '1000',
    );
    expect(run.out).toContain('tmp=126');
    expect(run.out).toContain('work=0');
  });

  it('a notebook kernel still runs numpy, pandas, matplotlib, multiprocessing, ctypes callbacks and interface lookups', async () => {
    const kernel = new KernelClient(base, token);
    await kernel.start();
    try {
      const outcome = await kernel.run(
        [
          'import numpy as np, pandas as pd, matplotlib, ctypes, socket, multiprocessing as mp, tempfile, os',
          'matplotlib.use("Agg")',
          'import matplotlib.pyplot as plt',
          'print("numpy", float(np.linalg.inv(np.eye(3) * 2).sum()))',
          'print("pandas", int(pd.DataFrame({"a": [1, 2, 3]}).a.sum()))',
          'fig, ax = plt.subplots(); ax.plot([1, 2, 3]); fig.savefig(os.path.join(tempfile.gettempdir(), "p.png")); print("matplotlib", os.path.getsize(os.path.join(tempfile.gettempdir(), "p.png")) > 0)',
          'with mp.Pool(2) as pool: print("multiprocessing", sum(pool.map(abs, [-1, -2, -3])))',
          'q = mp.Queue(); p = mp.Process(target=q.put, args=(7,)); p.start(); print("queue", q.get(timeout=10)); p.join()',
          'cb = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)(lambda x: x * 2)',
          'libc = ctypes.CDLL(None); arr = (ctypes.c_int * 3)(3, 1, 2)',
          'cmp = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))(lambda a, b: a[0] - b[0])',
          'libc.qsort(arr, 3, ctypes.sizeof(ctypes.c_int), cmp); print("ctypes", cb(21), list(arr))',
          // getaddrinfo with AI_ADDRCONFIG and if_nameindex ask routing netlink for the interfaces.
          'print("lookup", socket.getaddrinfo("127.0.0.1", 80, flags=socket.AI_ADDRCONFIG)[0][4][0], socket.if_nameindex())',
        ].join('\n'),
        120_000,
      );
      console.log(JSON.stringify({ ...outcome, states: outcome.states.slice(-5) }));
      expect(outcome.errors).toEqual([]);
      expect(outcome.finished).toBe(true);
      for (const want of ['numpy 1.5', 'pandas 6', 'matplotlib True', 'multiprocessing 6', 'queue 7', 'ctypes 42 [1, 2, 3]'])
        expect(outcome.text).toContain(want);
      expect(outcome.text).toContain("lookup 127.0.0.1 [(1, 'lo')]");
    } finally {
      await kernel.close();
    }
  });
});

describe('the Sandbox check lines', () => {
  it('reports the 32-bit socket call, core dumps, noexec and the system call line as blocked, with evidence', async () => {
    const { profiles } = await loadCatalog(path.join(REPO, 'images'), testPolicy());
    const profile = profiles.find((p) => p.id === 'python')!;
    const results = await runAudit({
      docker: () => docker,
      profile,
      namespace: ns,
      log: memoryLogger(),
      diskMiB: 32,
      only: ['kernel', 'foreign-abi', 'core-dumps', 'scratch-noexec'],
      policy: testPolicy(),
      gateImage: trustedGateImage,
    });
    for (const r of results) console.log(`${r.blocked ? 'BLOCKED    ' : 'NOT BLOCKED'} ${r.attack}: ${r.evidence}`);
    const names = results.map((r) => r.attack);
    for (const line of ['8. 32-bit socket call', '8. Core dumps', '8. Scratch folders are noexec']) expect(names).toContain(line);
    expect(results.filter((r) => !r.blocked).map((r) => `${r.attack}: ${r.evidence}`)).toEqual([]);
    const syscalls = results.find((r) => r.attack.startsWith('8. mount'))!;
    for (const family of ['netfilter netlink socket: DENIED (EPROTONOSUPPORT)', 'vsock socket: DENIED (EAFNOSUPPORT)', 'AF_ALG socket: DENIED (EAFNOSUPPORT)'])
      expect(syscalls.evidence).toContain(family);
  }, 600_000);
});
