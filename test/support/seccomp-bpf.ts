// The seccomp filter a real container runs under, read back and evaluated. Where this machine's CPU or
// kernel cannot even enter an ABI (no 32-bit entry under some hypervisors), the filter's answer for it
// can still be checked: the kernel runs exactly this classic BPF program on every system call.
//
// readSeccompFilters() reads the filters of a container's pid 1 with PTRACE_SECCOMP_GET_FILTER from a
// short-lived probe container in the container's PID namespace (root with SYS_PTRACE and SYS_ADMIN and
// no seccomp filter of its own, which that call requires). evaluateFilters() is a classic BPF interpreter
// for what seccomp programs use, fed with a struct seccomp_data.
import type Docker from 'dockerode';
import { demuxLogs } from '../../electron/core/engine/exec';

export const AUDIT_ARCH = { X86_64: 0xc000003e, I386: 0x40000003, AARCH64: 0xc00000b7 } as const;
export const X32_SYSCALL_BIT = 0x40000000;

export const SECCOMP_RET = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  USER_NOTIF: 0x7fc00000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;

const DUMP = String.raw`
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
libc.ptrace.restype = ctypes.c_long
pid = 1
if libc.ptrace(16, pid, None, None) != 0: sys.exit('attach: ' + os.strerror(ctypes.get_errno()))
os.waitpid(pid, 0x40000000)
try:
    for i in range(32):
        n = libc.ptrace(0x420c, pid, i, None)
        if n < 0:
            if i == 0: sys.exit('get filter: ' + os.strerror(ctypes.get_errno()))
            break
        buf = ctypes.create_string_buffer(n * 8)
        libc.ptrace(0x420c, pid, i, buf)
        print('FILTER ' + buf.raw.hex())
finally:
    libc.ptrace(17, pid, None, None)
`;

/** The classic BPF programs of `container`'s pid 1, newest first (as the kernel lists them). */
export async function readSeccompFilters(docker: Docker, container: string, image: string, labels: Record<string, string>): Promise<Buffer[]> {
  const probe = await docker.createContainer({
    Image: image,
    User: '0:0',
    Entrypoint: ['python3', '-c', DUMP],
    Cmd: [],
    Labels: labels,
    NetworkDisabled: true,
    HostConfig: {
      PidMode: `container:${container}`,
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      CapAdd: ['SYS_PTRACE', 'SYS_ADMIN'],
      SecurityOpt: ['seccomp=unconfined'],
      ReadonlyRootfs: true,
    },
  });
  try {
    await probe.start();
    const { StatusCode } = (await probe.wait()) as { StatusCode: number };
    const lines = demuxLogs((await probe.logs({ stdout: true, stderr: true })) as unknown as Buffer);
    if (StatusCode !== 0) throw new Error(`reading the seccomp filter failed: ${lines.join(' | ')}`);
    return lines.filter((l) => l.startsWith('FILTER ')).map((l) => Buffer.from(l.slice(7), 'hex'));
  } finally {
    await probe.remove({ force: true });
  }
}

export interface SeccompData {
  nr: number;
  arch: number;
  args?: bigint[];
}

/** struct seccomp_data: nr (s32), arch (u32), instruction_pointer (u64), args[6] (u64), little-endian. */
function seccompData({ nr, arch, args = [] }: SeccompData): Buffer {
  const b = Buffer.alloc(64);
  b.writeInt32LE(nr | 0, 0);
  b.writeUInt32LE(arch >>> 0, 4);
  args.forEach((a, i) => b.writeBigUInt64LE(BigInt.asUintN(64, a), 16 + 8 * i));
  return b;
}

/** Runs one classic BPF program on `data`; returns the 32-bit return value. */
export function runFilter(prog: Buffer, input: SeccompData): number {
  const data = seccompData(input);
  const mem = new Uint32Array(16);
  let A = 0;
  let X = 0;
  let pc = 0;
  const count = prog.length / 8;
  for (let steps = 0; steps < 100_000; steps++) {
    if (pc < 0 || pc >= count) throw new Error(`BPF: jumped out of the program (pc ${pc})`);
    const code = prog.readUInt16LE(pc * 8);
    const jt = prog.readUInt8(pc * 8 + 2);
    const jf = prog.readUInt8(pc * 8 + 3);
    const k = prog.readUInt32LE(pc * 8 + 4);
    pc += 1;
    const cls = code & 0x07;
    if (cls === 0x00 || cls === 0x01) {
      // LD / LDX
      const mode = code & 0xe0;
      let v: number;
      if (mode === 0x00) v = k;
      else if (mode === 0x20) {
        if ((code & 0x18) !== 0x00 || k % 4 !== 0 || k + 4 > 64) throw new Error(`BPF: unsupported load ${code.toString(16)} k=${k}`);
        v = data.readUInt32LE(k);
      } else if (mode === 0x60) v = mem[k] ?? 0;
      else if (mode === 0x80) v = 64;
      else throw new Error(`BPF: unsupported load mode ${mode.toString(16)}`);
      if (cls === 0x00) A = v >>> 0;
      else X = v >>> 0;
    } else if (cls === 0x02) mem[k] = A;
    else if (cls === 0x03) mem[k] = X;
    else if (cls === 0x04) {
      const src = code & 0x08 ? X : k;
      switch (code & 0xf0) {
        case 0x00:
          A = (A + src) >>> 0;
          break;
        case 0x10:
          A = (A - src) >>> 0;
          break;
        case 0x20:
          A = Math.imul(A, src) >>> 0;
          break;
        case 0x30:
          A = src === 0 ? 0 : Math.floor(A / src) >>> 0;
          break;
        case 0x40:
          A = (A | src) >>> 0;
          break;
        case 0x50:
          A = (A & src) >>> 0;
          break;
        case 0x60:
          A = (A << src) >>> 0;
          break;
        case 0x70:
          A = A >>> src;
          break;
        case 0x80:
          A = -A >>> 0;
          break;
        case 0x90:
          A = src === 0 ? 0 : (A % src) >>> 0;
          break;
        case 0xa0:
          A = (A ^ src) >>> 0;
          break;
        default:
          throw new Error(`BPF: unsupported ALU ${code.toString(16)}`);
      }
    } else if (cls === 0x05) {
      const src = code & 0x08 ? X : k;
      const op = code & 0xf0;
      if (op === 0x00) {
        pc += k;
        continue;
      }
      const taken = op === 0x10 ? A === src : op === 0x20 ? A > src : op === 0x30 ? A >= src : op === 0x40 ? (A & src) !== 0 : null;
      if (taken === null) throw new Error(`BPF: unsupported jump ${code.toString(16)}`);
      pc += taken ? jt : jf;
    } else if (cls === 0x06) return ((code & 0x18) === 0x10 ? A : k) >>> 0;
    else if (cls === 0x07) {
      if (code & 0x80) A = X;
      else X = A;
    }
  }
  throw new Error('BPF: the program did not end');
}

/** What a return value means, in words: 'allow', 'errno 97', 'kill-thread', … */
export function describeAction(ret: number): string {
  const action = (ret & 0xffff0000) >>> 0;
  if (action === SECCOMP_RET.ALLOW) return 'allow';
  if (action === SECCOMP_RET.ERRNO) return `errno ${ret & 0xffff}`;
  if (action === SECCOMP_RET.KILL_PROCESS) return 'kill-process';
  if (action === SECCOMP_RET.KILL_THREAD) return 'kill-thread';
  if (action === SECCOMP_RET.TRAP) return 'trap';
  if (action === SECCOMP_RET.TRACE) return 'trace';
  if (action === SECCOMP_RET.LOG) return 'log';
  if (action === SECCOMP_RET.USER_NOTIF) return 'user-notif';
  return `0x${ret.toString(16)}`;
}

/** The kernel's answer when several filters are stacked: the most restrictive action wins. */
export function evaluateFilters(filters: Buffer[], input: SeccompData): string {
  // Precedence (kernel/seccomp.c): KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > USER_NOTIF > TRACE > LOG > ALLOW.
  const rank = (ret: number) => {
    const a = (ret & 0xffff0000) >>> 0;
    const order: number[] = [
      SECCOMP_RET.KILL_PROCESS,
      SECCOMP_RET.KILL_THREAD,
      SECCOMP_RET.TRAP,
      SECCOMP_RET.ERRNO,
      SECCOMP_RET.USER_NOTIF,
      SECCOMP_RET.TRACE,
      SECCOMP_RET.LOG,
      SECCOMP_RET.ALLOW,
    ];
    const i = order.indexOf(a);
    return i < 0 ? 0 : i;
  };
  let best: number | null = null;
  for (const f of filters) {
    const r = runFilter(f, input);
    if (best === null || rank(r) < rank(best)) best = r;
  }
  if (best === null) return 'allow';
  return describeAction(best);
}
