// Attack 8, continued: ways around the system call rules (foreign ABIs), core dumps, and executing from
// the scratch folders. Each probe runs as the student, inside the lab.
import type { AttackResult, AuditAttack, AuditContext } from '../types';

/**
 * Tries to open a netfilter netlink socket (the firewall's configuration interface; the family rule
 * allows only routing netlink) and a packet socket through every system call ABI an x86_64 process can
 * reach, each attempt in a child process of its own (a refused foreign ABI may kill the caller):
 *   - the 32-bit ABI through `int 0x80`: socketcall(SYS_SOCKET, …), whose arguments are in memory where
 *     seccomp cannot look, and getpid, which shows whether this ABI can be entered at all;
 *   - the x32 ABI: socket with bit 30 set in the call number;
 *   - the native call, as the control: the family rule itself.
 * The 32-bit call needs code and an argument block below 4 GiB: an mmap with MAP_32BIT and a few bytes
 * of machine code (push rbx; eax/ebx/ecx/edx from the arguments; int 0x80; pop rbx; ret).
 * Each line: "<probe>: SOCKET (fd)", "<probe>: REFUSED <errno>", "<probe>: KILLED SIGSYS" or
 * "<probe>: NO-ENTRY <signal>" (the CPU or kernel does not let this process enter that ABI).
 */
export const FOREIGN_ABI_PROBE = String.raw`
import ctypes, errno, os, platform, signal, sys
AF_NETLINK, AF_PACKET, SOCK_RAW, NETLINK_NETFILTER = 16, 17, 3, 12
def child(which, family):
    libc = ctypes.CDLL(None, use_errno=True)
    proto = NETLINK_NETFILTER if family == AF_NETLINK else 0
    if which == 'native':
        r = libc.syscall(41, family, SOCK_RAW, proto); e = ctypes.get_errno()
    elif which == 'x32':
        r = libc.syscall(0x40000000 | 41, family, SOCK_RAW, proto); e = ctypes.get_errno()
    else:
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
        page = libc.mmap(None, 4096, 7, 0x22 | 0x40, -1, 0)
        if not page or page >= 2**32:
            print('NO-ENTRY no memory below 4 GiB'); return
        code = bytes.fromhex('5389f889f34189d089ca4489c1cd805bc3')
        ctypes.memmove(page, code, len(code))
        int80 = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_uint, ctypes.c_uint, ctypes.c_uint, ctypes.c_uint)(page)
        if which == 'int80-getpid':
            r = int80(20, 0, 0, 0)
            print('ANSWERED' if r == os.getpid() else 'REFUSED ' + errno.errorcode.get(-r, str(r))); return
        block = page + 512
        (ctypes.c_uint32 * 3).from_address(block)[:] = [family, SOCK_RAW, proto]
        r = int80(102, 1, block, 0)
        e = -r if r < 0 else 0
    print(('SOCKET (fd %d)' % r) if r >= 0 else 'REFUSED ' + errno.errorcode.get(e, str(e)))
if len(sys.argv) > 2:
    child(sys.argv[1], int(sys.argv[2])); sys.exit(0)
import subprocess
print('machine:', platform.machine())
probes = [('int80-getpid', 0, '32-bit getpid (int 0x80)'), ('int80', AF_NETLINK, '32-bit socketcall(SYS_SOCKET, netfilter netlink)'),
          ('int80', AF_PACKET, '32-bit socketcall(SYS_SOCKET, AF_PACKET)'), ('x32', AF_NETLINK, 'x32 socket(netfilter netlink)'),
          ('native', AF_NETLINK, '64-bit socket(netfilter netlink)')]
if platform.machine() not in ('x86_64', 'amd64'):
    probes = [p for p in probes if p[0] == 'native']
for which, family, label in probes:
    p = subprocess.run([sys.executable, '-c', sys.argv[1] if len(sys.argv) > 1 else '', which, str(family)], capture_output=True, text=True, timeout=20)
    out = p.stdout.strip().splitlines()
    if p.returncode < 0:
        sig = signal.Signals(-p.returncode).name
        print(label + ': ' + ('KILLED SIGSYS' if sig == 'SIGSYS' else 'NO-ENTRY ' + sig))
    else:
        print(label + ': ' + (out[-1] if out else 'no answer (exit %d) %s' % (p.returncode, p.stderr.strip()[-200:])))
`;

export interface AbiProbeOutcome {
  blocked: boolean;
  evidence: string;
}

/**
 * Pure: the probe's lines → blocked or not, with evidence in plain words. Under gVisor the lab's system
 * calls go to gVisor's own kernel (which has netlink of its own and no 32-bit ABI), so there the native
 * family rule is not asked for; only that no foreign ABI hands out a socket.
 */
export function judgeForeignAbi(out: string, opts: { gvisor?: boolean } = {}): AbiProbeOutcome {
  const lines = out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.includes(': '));
  const machine = /^machine: (\S+)/m.exec(out)?.[1] ?? '?';
  const result = (label: string) => lines.find((l) => l.startsWith(`${label}: `))?.slice(label.length + 2) ?? null;
  const native = result('64-bit socket(netfilter netlink)');
  const foreign = lines.filter((l) => !l.startsWith('machine:') && !l.startsWith('64-bit') && !l.startsWith('32-bit getpid'));
  const gotSocket = lines.filter((l) => l.includes('SOCKET (fd'));
  const explain = (r: string | null) =>
    r === null
      ? 'not tried'
      : r.startsWith('KILLED SIGSYS')
        ? 'refused by seccomp (the process was stopped with SIGSYS)'
        : r.startsWith('NO-ENTRY')
          ? `cannot be entered on this machine (${r.slice(9)})`
          : r.startsWith('REFUSED')
            ? `refused (${r.slice(8)})`
            : r;
  const parts = lines
    .filter((l) => !l.startsWith('machine:'))
    .map((l) => {
      const [label, ...rest] = l.split(': ');
      return `${label}: ${explain(rest.join(': '))}`;
    });
  if (machine !== 'x86_64' && machine !== 'amd64') {
    return {
      blocked: false,
      evidence: `Not tried: the 32-bit probe is written for x86_64 and this lab runs on ${machine}. ClassLab's profile lists only the native architecture. ${parts.join('; ')}.`,
    };
  }
  const x32 = result('x32 socket(netfilter netlink)');
  // No ABI may hand out a socket, every foreign attempt must have been tried, and the family rule must
  // hold natively (the control: without it the foreign attempts prove nothing).
  const blocked = gotSocket.length === 0 && foreign.length === 3 && (opts.gvisor === true || native === 'REFUSED EPROTONOSUPPORT');
  const notes = [
    x32?.startsWith('REFUSED ENOSYS') && !opts.gvisor
      ? 'The x32 call passed the system call filter and was refused by the kernel only because it has no x32 ABI.'
      : '',
    opts.gvisor ? 'The lab runs under gVisor: its system calls never reach the host kernel.' : '',
  ].filter(Boolean);
  return { blocked, evidence: `${parts.join('; ')}.${notes.length ? ` ${notes.join(' ')}` : ''}` };
}

async function foreignAbi(ctx: AuditContext): Promise<AttackResult[]> {
  const r = await ctx.lab.exec(['python3', '-c', FOREIGN_ABI_PROBE, FOREIGN_ABI_PROBE], { timeoutSeconds: 90 });
  if (r.code !== 0)
    return [{ attack: '8. 32-bit socket call', blocked: false, evidence: `The probe did not run: exit ${r.code ?? 'none'}. ${r.out.slice(-300)}` }];
  const gvisor = (await ctx.lab.inspect())?.HostConfig.Runtime === 'runsc';
  return [{ attack: '8. 32-bit socket call', ...judgeForeignAbi(r.out, { gvisor }) }];
}

/** Crashes three processes (SIGSEGV in the workspace and in /tmp, abort() in the workspace) and looks for cores. */
const CORE_PROBE = String.raw`
echo "hard $(ulimit -Hc) soft $(ulimit -Sc)"
if (ulimit -c unlimited) 2>/dev/null; then echo "raise: ALLOWED"; else echo "raise: refused"; fi
echo "pattern $(cat /proc/sys/kernel/core_pattern 2>/dev/null)"
marker=$(mktemp); sleep 1
(cd "$1" && sh -c 'kill -SEGV $$'); echo "segv-workspace $?"
(cd /tmp && sh -c 'kill -SEGV $$'); echo "segv-tmp $?"
(cd "$1" && python3 -c 'import os; os.abort()'); echo "abort-workspace $?"
sleep 1
find "$1" /tmp /var/tmp "$HOME" /dev/shm -xdev -newer "$marker" -type f \( -name 'core' -o -name 'core.*' \) 2>/dev/null | sed 's/^/CORE /'
rm -f "$marker"; echo done
`;

async function coreDumps(ctx: AuditContext): Promise<AttackResult[]> {
  const { lab, profile } = ctx;
  const r = await lab.exec(['sh', '-c', CORE_PROBE, 'classlab-core', profile.server.workspace], { timeoutSeconds: 60 });
  const hard = /^hard (\S+) soft (\S+)/m.exec(r.out);
  const crashes = [...r.out.matchAll(/^(segv-workspace|segv-tmp|abort-workspace) (\d+)$/gm)].map((m) => [m[1], Number(m[2])] as const);
  const crashed = crashes.length === 3 && crashes.every(([, code]) => code === 139 || code === 134);
  const cores = r.out.split('\n').filter((l) => l.startsWith('CORE '));
  const pattern = /^pattern (.*)$/m.exec(r.out)?.[1]?.trim() ?? '?';
  const raised = r.out.includes('raise: ALLOWED');
  return [
    {
      attack: '8. Core dumps',
      blocked: r.out.includes('done') && hard?.[1] === '0' && hard?.[2] === '0' && !raised && crashed && cores.length === 0,
      evidence:
        `Core size limit in the lab: hard ${hard?.[1] ?? '?'}, soft ${hard?.[2] ?? '?'}; raising it: ${raised ? 'ALLOWED' : 'refused'}. ` +
        `Crashes: ${crashes.map(([k, c]) => `${k} exit ${c}`).join(', ') || 'none ran'}. ` +
        `${cores.length ? `Core files left: ${cores.map((c) => c.slice(5)).join(', ')}` : 'No core file appeared in the workspace, /tmp, /var/tmp, the home folder or /dev/shm'} (the kernel's core_pattern: ${pattern || 'empty'}).`,
    },
  ];
}

/** Copies an executable into each scratch folder and tries to run it, and to map it executable. */
const NOEXEC_PROBE = String.raw`
import os, shutil, subprocess, sys, mmap
for d in sys.argv[1:]:
    p = os.path.join(d, 'classlab-noexec-probe')
    try:
        shutil.copy('/bin/true', p); os.chmod(p, 0o755)
    except OSError as e:
        print(d + ': cannot write (' + type(e).__name__ + ')'); continue
    try:
        subprocess.run([p], check=True); run = 'RAN'
    except OSError as e:
        run = 'refused (' + (os.strerror(e.errno) if e.errno else type(e).__name__) + ')'
    try:
        with open(p, 'rb') as f:
            mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ | mmap.PROT_EXEC).close(); mapped = 'MAPPED'
    except OSError as e:
        mapped = 'refused (' + os.strerror(e.errno) + ')'
    os.unlink(p)
    print(d + ': exec ' + run + ', map executable ' + mapped)
`;

async function scratchNoexec(ctx: AuditContext): Promise<AttackResult[]> {
  const { lab, profile } = ctx;
  const socketDir = profile.server.socket.replace(/\/[^/]+$/, '');
  const folders = ['/tmp', '/var/tmp', '/dev/shm', socketDir];
  const r = await lab.exec(['python3', '-c', NOEXEC_PROBE, ...folders], { timeoutSeconds: 30 });
  const lines = r.out.split('\n').filter((l) => l.includes(': '));
  const writable = lines.filter((l) => l.includes(': exec '));
  return [
    {
      attack: '8. Scratch folders are noexec',
      blocked: r.code === 0 && lines.length === folders.length && writable.every((l) => !l.includes('RAN') && !l.includes('MAPPED')) && writable.length > 0,
      evidence: lines.join('; ') || `The probe did not run: ${r.out.slice(-200)}`,
    },
  ];
}

export const kernelSurfaceAttacks: AuditAttack[] = [
  { id: 'foreign-abi', number: 8, run: foreignAbi },
  { id: 'core-dumps', number: 8, run: coreDumps },
  { id: 'scratch-noexec', number: 8, run: scratchNoexec },
];
