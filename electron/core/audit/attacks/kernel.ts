// Attacks 8 and 9: the kernel's dangerous interfaces, capabilities, the Docker socket (docker-socket.ts),
// setuid and sudo.
import { dockerSocketAttack } from './docker-socket';
import type { AttackResult, AuditAttack, AuditContext } from '../types';

/** Each probe prints "name: DENIED (errno)" or "name: ALLOWED". x86_64 and aarch64 system call numbers. */
const SYSCALL_PROBE = String.raw`
import ctypes, errno, os, platform, socket
libc = ctypes.CDLL(None, use_errno=True)
arm = platform.machine() in ('aarch64', 'arm64')
NR = {
  'io_uring_setup': 425, 'unshare': 97 if arm else 272, 'keyctl': 219 if arm else 250, 'add_key': 217 if arm else 248,
  'perf_event_open': 241 if arm else 298, 'ptrace': 117 if arm else 101, 'init_module': 105 if arm else 175,
  'finit_module': 273 if arm else 313, 'mount': 40 if arm else 165, 'bpf': 280 if arm else 321,
  'setns': 268 if arm else 308, 'kexec_load': 104 if arm else 246, 'open_by_handle_at': 265 if arm else 304,
}
def report(name, r):
    e = ctypes.get_errno()
    print(name + ':', 'ALLOWED' if r >= 0 else 'DENIED (' + errno.errorcode.get(e, str(e)) + ')')
params = ctypes.create_string_buffer(120)
report('io_uring_setup', libc.syscall(NR['io_uring_setup'], 8, params))
report('unshare(user namespace)', libc.syscall(NR['unshare'], 0x10000000))
report('unshare(mount namespace)', libc.syscall(NR['unshare'], 0x00020000))
report('unshare(network namespace)', libc.syscall(NR['unshare'], 0x40000000))
report('setns', libc.syscall(NR['setns'], 0, 0))
report('keyctl', libc.syscall(NR['keyctl'], 0, -3, 0))
report('add_key', libc.syscall(NR['add_key'], b'user', b'classlab', b'x', 1, -3))
attr = ctypes.create_string_buffer(128)
ctypes.memmove(attr, (ctypes.c_uint32 * 2)(1, 128), 8)
report('perf_event_open', libc.syscall(NR['perf_event_open'], attr, 0, -1, -1, 0))
report('ptrace(attach to pid 1)', libc.syscall(NR['ptrace'], 16, 1, 0, 0))
report('ptrace(traceme)', libc.syscall(NR['ptrace'], 0, 0, 0, 0))
report('mount(tmpfs)', libc.syscall(NR['mount'], b'none', b'/tmp', b'tmpfs', 0, 0))
report('init_module', libc.syscall(NR['init_module'], 0, 0, b''))
report('finit_module', libc.syscall(NR['finit_module'], 0, b'', 0))
report('kexec_load', libc.syscall(NR['kexec_load'], 0, 0, 0, 0))
report('bpf', libc.syscall(NR['bpf'], 0, 0, 0))
report('open_by_handle_at', libc.syscall(NR['open_by_handle_at'], 0, 0, 0))
# Families beyond Unix, IP and routing netlink: netlink's other protocols (netfilter, generic netlink), the
# hypervisor (vsock), the kernel's crypto API (AF_ALG), TIPC and RDS (modules with a history of local exploits).
for name, args in (('raw socket', (socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)), ('packet socket', (socket.AF_PACKET, socket.SOCK_RAW, 0)),
                   ('netfilter netlink socket', (16, socket.SOCK_RAW, 12)), ('generic netlink socket', (16, socket.SOCK_RAW, 16)),
                   ('vsock socket', (40, socket.SOCK_STREAM, 0)), ('AF_ALG socket', (38, socket.SOCK_SEQPACKET, 0)),
                   ('TIPC socket', (30, socket.SOCK_RDM, 0)), ('RDS socket', (21, socket.SOCK_SEQPACKET, 0))):
    try:
        socket.socket(*args).close(); print(name + ': ALLOWED')
    except OSError as e:
        print(name + ': DENIED (' + errno.errorcode.get(e.errno, str(e.errno)) + ')')
`;

async function kernelInterfaces(ctx: AuditContext): Promise<AttackResult[]> {
  const { lab } = ctx;
  const results: AttackResult[] = [];
  const sys = await lab.py(SYSCALL_PROBE, { timeoutSeconds: 30 });
  const lines = sys.out.split('\n').filter((l) => l.includes(': '));
  const allowed = lines.filter((l) => l.includes('ALLOWED'));
  const status = await lab.sh("grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):' /proc/self/status", { timeoutSeconds: 10 });
  const seccomp = /Seccomp:\s*(\d)/.exec(status.out)?.[1];
  results.push({
    attack: '8. mount, unshare, keyctl, perf_event_open, io_uring, ptrace, raw sockets, socket families beyond Unix, IP and routing netlink, kernel modules',
    blocked: sys.code === 0 && lines.length >= 24 && allowed.length === 0,
    evidence: `${lines.join('; ')}. Seccomp mode ${seccomp ?? '?'}${seccomp === '2' ? ' (filtered)' : seccomp === '0' ? ' (none: the engine applies no seccomp profile)' : ''}.`,
  });
  const caps = [...status.out.matchAll(/^(Cap\w+):\s*([0-9a-f]+)/gm)].map((m) => [m[1], m[2]] as const);
  results.push({
    attack: '8. The capability set is empty',
    blocked: caps.length === 5 && caps.every(([, v]) => /^0+$/.test(v ?? '1')),
    evidence: caps.map(([k, v]) => `${k} ${v}`).join(', ') || status.out,
  });
  return results;
}

async function setuid(ctx: AuditContext): Promise<AttackResult[]> {
  const { lab } = ctx;
  const found = await lab.sh('find / -xdev \\( -perm -4000 -o -perm -2000 \\) -type f 2>/dev/null | head -n 30; echo done', { timeoutSeconds: 60 });
  const binaries = found.out.split('\n').filter((l) => l.startsWith('/'));
  const tries = await lab.sh(
    'grep NoNewPrivs /proc/self/status; echo "uid $(id -u)"; ' +
      'if command -v sudo >/dev/null; then echo "sudo: $(sudo -n id -u 2>&1 | head -n 1)"; else echo "sudo: not installed"; fi; ' +
      'if command -v su >/dev/null; then echo "su: $(echo | su -c "id -u" root 2>&1 | head -n 1)"; fi; ' +
      // mount(8) is setuid root in Debian: it refuses unless it really became root.
      'if command -v mount >/dev/null; then if mount -t tmpfs classlab /tmp 2>/dev/null; then echo "setuid mount: MOUNTED"; else echo "setuid mount: $(mount -t tmpfs classlab /tmp 2>&1 | head -n 1)"; fi; fi',
    { timeoutSeconds: 30 },
  );
  const nnp = /NoNewPrivs:\s*1/.test(tries.out);
  const gained = tries.out.split('\n').filter((l) => /^(sudo|su): 0$/.test(l.trim()) || l.includes('MOUNTED'));
  return [
    {
      attack: '9. setuid binaries and sudo',
      blocked: found.out.includes('done') && nnp && gained.length === 0 && tries.code === 0,
      evidence: `NoNewPrivs ${nnp ? '1' : '0'}; setuid/setgid files in the image: ${binaries.join(', ') || 'none'}; ${tries.out.split('\n').slice(1).filter(Boolean).join('; ')}.`,
    },
  ];
}

export const kernelAttacks: AuditAttack[] = [{ id: 'kernel', number: 8, run: kernelInterfaces }, dockerSocketAttack, { id: 'setuid', number: 9, run: setuid }];
