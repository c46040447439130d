// The run's driver: ClassLab's own fixed shell script, the only command of a run container. Pure.
//
// Everything of the student arrives on the container's stdin, never through a host folder: a header line
// `NONCE BYTES`, then BYTES of source code, then the program's stdin. The script puts the source in the
// run's tmpfs, checks it (compile step), runs it under a CPU-time limit and reports on stderr, after the
// last byte of the program's output, one line that starts with the nonce. The nonce is fresh per run and
// never reaches the program (it is read by the shell before the program exists), so a program cannot
// print a line that passes for the driver's. What the line says is only trusted for what the program
// could not change: "the compile step failed" (written before the program ever ran). Memory and CPU
// figures come from the run's own cgroup and are only shown; exit code, OOM and limits are read from
// Docker on the host.
import { LANGUAGES } from './languages';
import type { RunLanguage } from '../../api/contract';

export interface RunLimits {
  /** CPU seconds for the program (ulimit -t): SIGXCPU at this, SIGKILL one second later. */
  cpuSeconds: number;
  /** CPU seconds for the compile step. */
  compileCpuSeconds: number;
}

/** Quoted for sh: every argument of a fixed command table, so no word splitting or globbing happens. */
function shWords(argv: readonly string[]): string {
  return argv.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
}

export function driverScript(lang: RunLanguage, limits: RunLimits): string {
  const spec = LANGUAGES[lang];
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  const compileCpu = Math.max(1, Math.ceil(limits.compileCpuSeconds));
  // Soft before hard: dash sets one at a time, and a hard limit below the soft one is refused.
  // dash (Debian's sh). `read` takes the header byte by byte and `head -c N` reads no more than N
  // bytes from a pipe, so the program's stdin starts exactly after the source. Builtins only after the
  // program ran: a fork bomb may have used up every process the run may have.
  return [
    "IFS=' ' read -r nonce bytes || exit 125",
    'cd /box || exit 125',
    `head -c "$bytes" > ${shWords([spec.source])} || exit 125`,
    `if ! (ulimit -S -t ${compileCpu}; ulimit -H -t ${compileCpu + 1}; exec ${shWords(spec.compile)}) </dev/null; then`,
    `  printf '\\n%s compile\\n' "$nonce" >&2; exit 1`,
    'fi',
    `(ulimit -S -t ${cpu}; ulimit -H -t ${cpu + 1}; exec ${shWords(spec.run)})`,
    'code=$?',
    'peak=-1; read -r peak 2>/dev/null </sys/fs/cgroup/memory/memory.max_usage_in_bytes || read -r peak 2>/dev/null </sys/fs/cgroup/memory.peak',
    'cpu=-1; read -r cpu 2>/dev/null </sys/fs/cgroup/cpuacct/cpuacct.usage',
    // Processes still there once the program ended (not the init, not this shell, not zombies).
    'left=0',
    'for p in /proc/[0-9]*; do',
    '  n=${p#/proc/}; [ "$n" = 1 ] || [ "$n" = $$ ] && continue',
    '  s=; read -r s 2>/dev/null <"$p/stat" || continue',
    '  case "$s" in *") Z "*) continue;; esac',
    '  left=$((left+1))',
    'done',
    `printf '\\n%s ran %s %s %s %s\\n' "$nonce" "$code" "$peak" "$cpu" "$left" >&2`,
    'exit "$code"',
  ].join('\n');
}

/** What the driver's last line said. */
export type DriverReport =
  { kind: 'compile' } | { kind: 'ran'; code: number; peakBytes: number | null; cpuNs: number | null; leftover: number } | { kind: 'none' };

/**
 * Finds the driver's line at the very end of stderr and returns stderr without it. Anything that merely
 * looks like it elsewhere is the program's own output and stays.
 */
export function splitDriverReport(stderr: Buffer, nonce: string): { stderr: Buffer; report: DriverReport } {
  const marker = Buffer.from(`\n${nonce} `);
  const at = stderr.lastIndexOf(marker);
  if (at < 0) return { stderr, report: { kind: 'none' } };
  const line = stderr.subarray(at + marker.length).toString('utf8');
  if (!/^[a-z0-9 -]*\n$/.test(line)) return { stderr, report: { kind: 'none' } };
  const words = line.trim().split(' ');
  const rest = stderr.subarray(0, at);
  if (words[0] === 'compile') return { stderr: rest, report: { kind: 'compile' } };
  if (words[0] === 'ran' && words.length === 5) {
    const num = (w: string | undefined) => (w !== undefined && /^\d+$/.test(w) ? Number(w) : null);
    const code = num(words[1]);
    if (code !== null) return { stderr: rest, report: { kind: 'ran', code, peakBytes: num(words[2]), cpuNs: num(words[3]), leftover: num(words[4]) ?? 0 } };
  }
  return { stderr, report: { kind: 'none' } };
}

/** The bytes that go to the container's stdin. */
export function driverInput(nonce: string, code: string, stdin: string): Buffer {
  const source = Buffer.from(code, 'utf8');
  return Buffer.concat([Buffer.from(`${nonce} ${source.length}\n`), source, Buffer.from(stdin, 'utf8')]);
}
