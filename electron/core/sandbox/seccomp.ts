// ClassLab's own seccomp profile: an allowlist of the system calls a notebook, a shell and the usual
// scientific Python stack need, grouped by what they are for. Everything else fails with EPERM.
//
// Why not Docker's default profile: it is a good floor, but it lets a lab use io_uring (a large, young
// kernel surface with a history of privilege escalations), ptrace and process_vm_* (reading and
// steering other processes) and modify_ldt. A lab needs none of them. Calls that only work with a
// capability (mount, bpf, perf_event_open, kernel modules, …) are left out as well: the lab has no
// capabilities, and a denied call is easier to reason about than one that the kernel happens to refuse.
//
// The profile is passed inline (`seccomp=<json>` in SecurityOpt), so it works with any engine that
// supports seccomp. Names a kernel or libseccomp does not know are skipped by the runtime.
//
// Only the host's native system call ABI is in the profile (no sub-architectures). On x86_64 any process
// can also enter the kernel through the 32-bit ABI (`int 0x80`, or SYSCALL/SYSENTER from a 32-bit code
// segment) and, where the kernel has it, the x32 ABI (numbers with bit 30 set). Through the 32-bit ABI,
// `socketcall` makes any socket with its arguments in memory, where seccomp cannot look, so a family rule
// on `socket` would mean nothing there. With the native architecture alone, libseccomp answers every call
// of a foreign ABI (i386, x32 on x86_64; arm on aarch64) with the filter's bad-architecture action before
// the kernel looks at it; `socketcall` is not allowed even by name.

/** clone(2) flags that make new namespaces: a lab may fork and make threads, never namespaces. */
const CLONE_NEW = {
  NEWNS: 0x00020000,
  NEWCGROUP: 0x02000000,
  NEWUTS: 0x04000000,
  NEWIPC: 0x08000000,
  NEWUSER: 0x10000000,
  NEWPID: 0x20000000,
  NEWNET: 0x40000000,
} as const;
export const CLONE_NAMESPACE_FLAGS = Object.values(CLONE_NEW).reduce((a, b) => a | b, 0);

/**
 * The sockets a lab may open: Unix sockets (the notebook, zmq, multiprocessing), IPv4/IPv6, and netlink
 * of the routing protocol only. Everything else is refused: other netlink protocols (netfilter, audit,
 * generic netlink, uevents, xfrm, …), packet and raw link sockets, AF_VSOCK (the hypervisor: Docker
 * Desktop's VM), AF_ALG, TIPC, RDS, Bluetooth, CAN, XDP, … — a long list of rarely used kernel code that
 * any unprivileged process could otherwise reach.
 * Measured: NETLINK_ROUTE is needed. getaddrinfo() and getifaddrs() ask it for the interfaces, and
 * libzmq (every Jupyter kernel) aborts when that fails ("Address family not supported by protocol
 * (src/ip_resolver.cpp:542)"). Without capabilities it can only read (links, addresses, routes).
 */
export const ALLOWED_SOCKETS: readonly { family: number; name: string; protocol?: number }[] = [
  { family: 1, name: 'AF_UNIX' },
  { family: 2, name: 'AF_INET' },
  { family: 10, name: 'AF_INET6' },
  { family: 16, name: 'AF_NETLINK', protocol: 0 /* NETLINK_ROUTE */ },
];
/** The answer for any other family: "address family not supported", as if it were not in the kernel. */
export const EAFNOSUPPORT = 97;
/** The answer for another protocol of an allowed family (netlink): "protocol not supported". */
export const EPROTONOSUPPORT = 93;

/**
 * The allowlist, by purpose. 32-bit and time64 variants are listed for hosts whose native ABI is 32-bit
 * (armhf); on x86_64 and aarch64 they are not reachable (see the architectures above).
 */
export const ALLOWED_SYSCALLS: Record<string, readonly string[]> = {
  processes: [
    'execve',
    'execveat',
    'exit',
    'exit_group',
    'fork',
    'vfork',
    'wait4',
    'waitid',
    'waitpid',
    'kill',
    'tkill',
    'tgkill',
    'getpid',
    'getppid',
    'gettid',
    'getpgid',
    'setpgid',
    'getpgrp',
    'getsid',
    'setsid',
    'set_tid_address',
    'set_robust_list',
    'get_robust_list',
    'rseq',
    'restart_syscall',
    'prctl',
    'umask',
    'uname',
    'sysinfo',
    'getcpu',
    'getrlimit',
    'setrlimit',
    'prlimit64',
    'ugetrlimit',
    'getrusage',
    'times',
    'getpriority',
    'setpriority',
    'ioprio_get',
    'ioprio_set',
    'pidfd_open',
    'pidfd_send_signal',
    'capget',
    'capset',
    'seccomp',
    'membarrier',
    'landlock_create_ruleset',
    'landlock_add_rule',
    'landlock_restrict_self',
    'sched_yield',
    'sched_getaffinity',
    'sched_setaffinity',
    'sched_getparam',
    'sched_setparam',
    'sched_getscheduler',
    'sched_setscheduler',
    'sched_get_priority_max',
    'sched_get_priority_min',
    'sched_rr_get_interval',
    'sched_rr_get_interval_time64',
    'sched_getattr',
    'sched_setattr',
  ],
  identity: [
    'getuid',
    'geteuid',
    'getgid',
    'getegid',
    'getresuid',
    'getresgid',
    'getgroups',
    'setuid',
    'setgid',
    'setreuid',
    'setregid',
    'setresuid',
    'setresgid',
    'setgroups',
    'setfsuid',
    'setfsgid',
    'getuid32',
    'geteuid32',
    'getgid32',
    'getegid32',
    'getresuid32',
    'getresgid32',
    'getgroups32',
    'setuid32',
    'setgid32',
    'setreuid32',
    'setregid32',
    'setresuid32',
    'setresgid32',
    'setgroups32',
    'setfsuid32',
    'setfsgid32',
  ],
  signals: [
    'rt_sigaction',
    'rt_sigprocmask',
    'rt_sigreturn',
    'rt_sigsuspend',
    'rt_sigpending',
    'rt_sigtimedwait',
    'rt_sigtimedwait_time64',
    'rt_sigqueueinfo',
    'rt_tgsigqueueinfo',
    'sigaltstack',
    'signalfd',
    'signalfd4',
    'sigreturn',
    'sigprocmask',
    'pause',
    'alarm',
    'getitimer',
    'setitimer',
  ],
  memory: [
    'brk',
    'mmap',
    'mmap2',
    'munmap',
    'mprotect',
    'mremap',
    'madvise',
    'mincore',
    'msync',
    'mlock',
    'mlock2',
    'munlock',
    'mlockall',
    'munlockall',
    'memfd_create',
    'remap_file_pages',
    'pkey_alloc',
    'pkey_free',
    'pkey_mprotect',
    'mseal',
  ],
  files: [
    'read',
    'write',
    'readv',
    'writev',
    'pread64',
    'pwrite64',
    'preadv',
    'pwritev',
    'preadv2',
    'pwritev2',
    'open',
    'openat',
    'openat2',
    'creat',
    'close',
    'close_range',
    'lseek',
    '_llseek',
    'dup',
    'dup2',
    'dup3',
    'fcntl',
    'fcntl64',
    'ioctl',
    'flock',
    'stat',
    'fstat',
    'lstat',
    'stat64',
    'fstat64',
    'lstat64',
    'newfstatat',
    'fstatat64',
    'statx',
    'statfs',
    'fstatfs',
    'statfs64',
    'fstatfs64',
    'access',
    'faccessat',
    'faccessat2',
    'chdir',
    'fchdir',
    'getcwd',
    'mkdir',
    'mkdirat',
    'rmdir',
    'rename',
    'renameat',
    'renameat2',
    'link',
    'linkat',
    'unlink',
    'unlinkat',
    'symlink',
    'symlinkat',
    'readlink',
    'readlinkat',
    'chmod',
    'fchmod',
    'fchmodat',
    'fchmodat2',
    'chown',
    'fchown',
    'lchown',
    'fchownat',
    'chown32',
    'fchown32',
    'lchown32',
    'truncate',
    'ftruncate',
    'truncate64',
    'ftruncate64',
    'fallocate',
    'fsync',
    'fdatasync',
    'sync',
    'syncfs',
    'sync_file_range',
    'fadvise64',
    'fadvise64_64',
    'readahead',
    'getdents',
    'getdents64',
    'utime',
    'utimes',
    'utimensat',
    'utimensat_time64',
    'futimesat',
    // Without CAP_MKNOD only FIFOs and sockets can be made.
    'mknod',
    'mknodat',
    'copy_file_range',
    'sendfile',
    'sendfile64',
    'splice',
    'tee',
    'vmsplice',
    'getxattr',
    'lgetxattr',
    'fgetxattr',
    'setxattr',
    'lsetxattr',
    'fsetxattr',
    'listxattr',
    'llistxattr',
    'flistxattr',
    'removexattr',
    'lremovexattr',
    'fremovexattr',
    'inotify_init',
    'inotify_init1',
    'inotify_add_watch',
    'inotify_rm_watch',
  ],
  waiting: [
    'pipe',
    'pipe2',
    'poll',
    'ppoll',
    'ppoll_time64',
    'select',
    '_newselect',
    'pselect6',
    'pselect6_time64',
    'epoll_create',
    'epoll_create1',
    'epoll_ctl',
    'epoll_wait',
    'epoll_pwait',
    'epoll_pwait2',
    'eventfd',
    'eventfd2',
    'timerfd_create',
    'timerfd_settime',
    'timerfd_gettime',
    'timerfd_settime64',
    'timerfd_gettime64',
    'futex',
    'futex_time64',
    'futex_waitv',
  ],
  time: [
    'clock_gettime',
    'clock_gettime64',
    'clock_getres',
    'clock_getres_time64',
    'clock_nanosleep',
    'clock_nanosleep_time64',
    'nanosleep',
    'gettimeofday',
    'time',
    'timer_create',
    'timer_settime',
    'timer_settime64',
    'timer_gettime',
    'timer_gettime64',
    'timer_getoverrun',
    'timer_delete',
    // Read-only without CAP_SYS_TIME.
    'adjtimex',
    'clock_adjtime',
    'clock_adjtime64',
  ],
  /** The old POSIX AIO interface (not io_uring). */
  asyncIo: ['io_setup', 'io_destroy', 'io_submit', 'io_cancel', 'io_getevents', 'io_pgetevents', 'io_pgetevents_time64'],
  sockets: [
    'socketpair',
    'bind',
    'listen',
    'accept',
    'accept4',
    'connect',
    'getsockname',
    'getpeername',
    'sendto',
    'recvfrom',
    'sendmsg',
    'recvmsg',
    'sendmmsg',
    'recvmmsg',
    'recvmmsg_time64',
    'shutdown',
    'setsockopt',
    'getsockopt',
    'send',
    'recv',
  ],
  ipc: [
    'shmget',
    'shmat',
    'shmdt',
    'shmctl',
    'semget',
    'semop',
    'semtimedop',
    'semtimedop_time64',
    'semctl',
    'msgget',
    'msgsnd',
    'msgrcv',
    'msgctl',
    'mq_open',
    'mq_unlink',
    'mq_timedsend',
    'mq_timedsend_time64',
    'mq_timedreceive',
    'mq_timedreceive_time64',
    'mq_notify',
    'mq_getsetattr',
    'ipc',
  ],
  random: ['getrandom'],
  /** Per-architecture calls the C library needs to start a thread. */
  architecture: [
    'arch_prctl',
    'set_thread_area',
    'get_thread_area',
    'set_tls',
    'cacheflush',
    'breakpoint',
    'arm_fadvise64_64',
    'arm_sync_file_range',
    'sync_file_range2',
    'riscv_flush_icache',
  ],
};

/**
 * Calls a lab never gets, named so tests and the audit can check them. Not used to build the profile
 * (anything not allowed is denied); this is the list of what would hurt most if it were allowed.
 */
export const DENIED_SYSCALLS = [
  'io_uring_setup',
  'io_uring_enter',
  'io_uring_register',
  'ptrace',
  'process_vm_readv',
  'process_vm_writev',
  'kcmp',
  'pidfd_getfd',
  'process_madvise',
  'perf_event_open',
  'bpf',
  'userfaultfd',
  'keyctl',
  'add_key',
  'request_key',
  'mount',
  'umount',
  'umount2',
  'mount_setattr',
  'move_mount',
  'open_tree',
  'fsopen',
  'fsmount',
  'fsconfig',
  'fspick',
  'pivot_root',
  'chroot',
  'unshare',
  'setns',
  'clone3',
  'init_module',
  'finit_module',
  'delete_module',
  'kexec_load',
  'kexec_file_load',
  'reboot',
  'swapon',
  'swapoff',
  'acct',
  'quotactl',
  'quotactl_fd',
  'lookup_dcookie',
  'syslog',
  'iopl',
  'ioperm',
  'modify_ldt',
  'clock_settime',
  'settimeofday',
  'stime',
  'sethostname',
  'setdomainname',
  'open_by_handle_at',
  'name_to_handle_at',
  'fanotify_init',
  'vhangup',
  'uselib',
  'nfsservctl',
  'mbind',
  'set_mempolicy',
  'get_mempolicy',
  'migrate_pages',
  'move_pages',
  'memfd_secret',
  // The 32-bit multiplexer whose arguments seccomp cannot inspect.
  'socketcall',
] as const;

/** The architectures of the profile: each native one alone, never a compat ABI beside it. */
export const SECCOMP_ARCHITECTURES = ['SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64'] as const;

const EPERM = 1;
const ENOSYS = 38;

export interface SeccompProfile {
  defaultAction: 'SCMP_ACT_ERRNO';
  defaultErrnoRet: number;
  archMap: { architecture: string; subArchitectures: string[] }[];
  syscalls: {
    names: string[];
    action: 'SCMP_ACT_ALLOW' | 'SCMP_ACT_ERRNO';
    errnoRet?: number;
    args?: { index: number; value: number; valueTwo?: number; op: string }[];
  }[];
}

export function labSeccompProfile(): SeccompProfile {
  const allowed = [...new Set(Object.values(ALLOWED_SYSCALLS).flat())].sort();
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: EPERM,
    archMap: SECCOMP_ARCHITECTURES.map((architecture) => ({ architecture, subArchitectures: [] })),
    syscalls: [
      { names: allowed, action: 'SCMP_ACT_ALLOW' },
      // Threads and processes, but no new namespaces.
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
      // clone3 passes its flags in memory, where seccomp cannot look: "not implemented" makes the C
      // library fall back to clone, which is checked above.
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS },
      // Sockets of the allowed families (and protocols) only; see socketRules.
      ...socketRules(),
      // personality: only the harmless settings (Linux default, 32-bit UNAME26-free, and the query).
      ...[0x0, 0x0008, 0x20000, 0x20008, 0xffffffff].map((value) => ({
        names: ['personality'],
        action: 'SCMP_ACT_ALLOW' as const,
        args: [{ index: 0, value, op: 'SCMP_CMP_EQ' }],
      })),
    ],
  };
}

/**
 * socket(2) by family (argument 0) and protocol (argument 2): allowed ones; another protocol of a
 * restricted family gets EPROTONOSUPPORT; every other family EAFNOSUPPORT (those below the largest
 * allowed one by one, the rest in one rule). The rules never overlap, so their order does not matter;
 * values with high bits set match none of them and fall to the default EPERM.
 */
function socketRules(): SeccompProfile['syscalls'] {
  const rule = (action: 'SCMP_ACT_ALLOW' | 'SCMP_ACT_ERRNO', args: { index: number; value: number; op: string }[], errnoRet?: number) => ({
    names: ['socket'],
    action,
    ...(errnoRet === undefined ? {} : { errnoRet }),
    args,
  });
  const eq = (index: number, value: number) => ({ index, value, op: 'SCMP_CMP_EQ' });
  const families = ALLOWED_SOCKETS.map((s) => s.family);
  const top = Math.max(...families);
  return [
    ...ALLOWED_SOCKETS.map((s) => rule('SCMP_ACT_ALLOW', s.protocol === undefined ? [eq(0, s.family)] : [eq(0, s.family), eq(2, s.protocol)])),
    ...ALLOWED_SOCKETS.filter((s) => s.protocol !== undefined).map((s) =>
      rule('SCMP_ACT_ERRNO', [eq(0, s.family), { index: 2, value: s.protocol!, op: 'SCMP_CMP_NE' }], EPROTONOSUPPORT),
    ),
    ...Array.from({ length: top }, (_, f) => f)
      .filter((f) => !families.includes(f))
      .map((f) => rule('SCMP_ACT_ERRNO', [eq(0, f)], EAFNOSUPPORT)),
    rule('SCMP_ACT_ERRNO', [{ index: 0, value: top, op: 'SCMP_CMP_GT' }], EAFNOSUPPORT),
  ];
}

/**
 * The SecurityOpt entry that applies the profile: the profile itself (Docker), or the path of its file on
 * the engine's host (Podman's compatible API takes a path there: seccomp-file.ts).
 */
export function seccompSecurityOpt(file?: string): string {
  return file ? `seccomp=${file}` : `seccomp=${JSON.stringify(labSeccompProfile())}`;
}
