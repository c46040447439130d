// How the Sandbox check reads the foreign-ABI probe (electron/core/audit/attacks/kernel-surface.ts).
import { describe, expect, it } from 'vitest';
import { judgeForeignAbi } from '../../../electron/core/audit/attacks/kernel-surface';

const lines = (...l: string[]) => ['machine: x86_64', ...l].join('\n');

describe('foreign ABI verdict', () => {
  it('blocked: every foreign call refused by seccomp, the native family rule holds', () => {
    const v = judgeForeignAbi(
      lines(
        '32-bit getpid (int 0x80): KILLED SIGSYS',
        '32-bit socketcall(SYS_SOCKET, netfilter netlink): KILLED SIGSYS',
        '32-bit socketcall(SYS_SOCKET, AF_PACKET): KILLED SIGSYS',
        'x32 socket(netfilter netlink): KILLED SIGSYS',
        '64-bit socket(netfilter netlink): REFUSED EPROTONOSUPPORT',
      ),
    );
    expect(v.blocked).toBe(true);
    expect(v.evidence).toContain('32-bit socketcall(SYS_SOCKET, netfilter netlink): refused by seccomp');
  });

  it('blocked where the machine has no 32-bit entry, and says so', () => {
    const v = judgeForeignAbi(
      lines(
        '32-bit getpid (int 0x80): NO-ENTRY SIGSEGV',
        '32-bit socketcall(SYS_SOCKET, netfilter netlink): NO-ENTRY SIGSEGV',
        '32-bit socketcall(SYS_SOCKET, AF_PACKET): NO-ENTRY SIGSEGV',
        'x32 socket(netfilter netlink): KILLED SIGSYS',
        '64-bit socket(netfilter netlink): REFUSED EPROTONOSUPPORT',
      ),
    );
    expect(v.blocked).toBe(true);
    expect(v.evidence).toContain('cannot be entered on this machine (SIGSEGV)');
  });

  it('NOT blocked: a 32-bit socketcall hands out a socket (the old profile on a normal x86_64 machine)', () => {
    const v = judgeForeignAbi(
      lines(
        '32-bit getpid (int 0x80): ANSWERED',
        '32-bit socketcall(SYS_SOCKET, netfilter netlink): SOCKET (fd 3)',
        '32-bit socketcall(SYS_SOCKET, AF_PACKET): REFUSED EPERM',
        'x32 socket(netfilter netlink): REFUSED ENOSYS',
        '64-bit socket(netfilter netlink): REFUSED EPROTONOSUPPORT',
      ),
    );
    expect(v.blocked).toBe(false);
    expect(v.evidence).toMatch(/passed the system call filter/);
  });

  it('NOT blocked without the native family rule, and NOT blocked when not tried', () => {
    expect(
      judgeForeignAbi(
        lines(
          '32-bit getpid (int 0x80): KILLED SIGSYS',
          '32-bit socketcall(SYS_SOCKET, netfilter netlink): KILLED SIGSYS',
          '32-bit socketcall(SYS_SOCKET, AF_PACKET): KILLED SIGSYS',
          'x32 socket(netfilter netlink): KILLED SIGSYS',
          '64-bit socket(netfilter netlink): SOCKET (fd 3)',
        ),
      ).blocked,
    ).toBe(false);
    expect(judgeForeignAbi(lines('64-bit socket(netfilter netlink): REFUSED EPROTONOSUPPORT')).blocked).toBe(false);
    expect(judgeForeignAbi('machine: aarch64\n64-bit socket(netfilter netlink): REFUSED EPROTONOSUPPORT')).toMatchObject({
      blocked: false,
      evidence: expect.stringContaining('Not tried'),
    });
  });
});
