// The run's driver: ClassLab's own fixed shell script, the only command of a run container. Pure.
//
// Everything of the student arrives on the container's stdin, never through a host folder: a header line
// `NONCE BYTES`, then BYTES of source code, then the program's stdin. The script puts the source in the
// run's tmpfs, checks it (compile step), runs it under a CPU-time limit and reports, after the last byte
// of the program's output, one line on stdout that is only the nonce (all of stdout is in once it came)
// and one line on stderr that starts with the nonce and says how the run ended. The nonce is fresh per
// run and never reaches the program: it is read by the shell before the program exists, and the shell
// holding it is not dumpable (DRIVER_BOOT), so the program, which runs as the same uid, cannot read it
// from /proc/PID/mem (measured: with a plain `sh` it could, and then print a line that passed for the
// driver's). The report says whether that protection held (`guard`); only a guarded report is trusted
// for a verdict without asking the engine (sandbox-run.ts). Exit code, OOM kills, peak memory and CPU
// time come from the shell's `$?` and the run's own cgroup, files the program cannot write.
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

/**
 * The container's command before the driver: copies `sh` to an execute-only file in /box and runs the
 * driver with it. A process that executes a file it may not read is made not dumpable by the kernel, so no
 * other process of the uid can open its /proc/PID/mem or /proc/PID/fd (the grader does the same with
 * prctl, grader-script.ts; sh has no prctl). Where that fails (an engine whose kernel does not allow it),
 * the driver runs as a plain `sh` and its report says unguarded. `$0` is the driver script.
 */
export const DRIVER_BOOT = [
  'if install -m 0111 /bin/sh /box/.driver-sh 2>/dev/null && (exec /box/.driver-sh -c :) 2>/dev/null; then',
  '  exec /box/.driver-sh -c "$0"',
  'fi',
  'exec /bin/sh -c "$0"',
].join('\n');

export function driverScript(lang: RunLanguage, limits: RunLimits): string {
  const spec = LANGUAGES[lang];
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  const compileCpu = Math.max(1, Math.ceil(limits.compileCpuSeconds));
  // Soft before hard: dash sets one at a time, and a hard limit below the soft one is refused.
  // dash (Debian's sh). `read` takes the header byte by byte and `head -c N` reads no more than N
  // bytes from a pipe, so the program's stdin starts exactly after the source. Builtins only after the
  // program ran: a fork bomb may have used up every process the run may have.
  return [
    // Before any input (a spare waits here): the copy has done its work once this shell runs, and the
    // protection is checked as the program would try it, from another process of the uid.
    'rm -f /box/.driver-sh 2>/dev/null',
    // Guarded only when the file is there and this uid may not open it (a kernel without it says nothing).
    'guard=0; if [ -e /proc/$$/mem ] && ! (: </proc/$$/mem) 2>/dev/null; then guard=1; fi',
    // OOM kills of the run's cgroup, from the kernel's own counter (cgroup v1, then v2); -1 if unknown.
    'oomkills() { oom=-1; f=/sys/fs/cgroup/memory/memory.oom_control; [ -r "$f" ] || f=/sys/fs/cgroup/memory.events',
    '  while read -r k v; do [ "$k" = oom_kill ] && oom=$v; done 2>/dev/null <"$f"; }',
    "IFS=' ' read -r nonce bytes || exit 125",
    'cd /box || exit 125',
    `head -c "$bytes" > ${shWords([spec.source])} || exit 125`,
    `if ! (ulimit -S -t ${compileCpu}; ulimit -H -t ${compileCpu + 1}; exec ${shWords(spec.compile)}) </dev/null; then`,
    `  oomkills; printf '\\n%s\\n' "$nonce"; printf '\\n%s compile %s %s\\n' "$nonce" "$oom" "$guard" >&2; exit 1`,
    'fi',
    `(ulimit -S -t ${cpu}; ulimit -H -t ${cpu + 1}; exec ${shWords(spec.run)})`,
    'code=$?',
    'peak=-1; read -r peak 2>/dev/null </sys/fs/cgroup/memory/memory.max_usage_in_bytes || read -r peak 2>/dev/null </sys/fs/cgroup/memory.peak',
    'cpu=-1; read -r cpu 2>/dev/null </sys/fs/cgroup/cpuacct/cpuacct.usage',
    'oomkills',
    // Processes still there once the program ended (not the init, not this shell, not zombies).
    'left=0',
    'for p in /proc/[0-9]*; do',
    '  n=${p#/proc/}; [ "$n" = 1 ] || [ "$n" = $$ ] && continue',
    '  s=; read -r s 2>/dev/null <"$p/stat" || continue',
    '  case "$s" in *") Z "*) continue;; esac',
    '  left=$((left+1))',
    'done',
    `printf '\\n%s\\n' "$nonce"`,
    `printf '\\n%s ran %s %s %s %s %s %s\\n' "$nonce" "$code" "$peak" "$cpu" "$left" "$oom" "$guard" >&2`,
    'exit "$code"',
  ].join('\n');
}

/**
 * What the driver's last line said. `oomKills` (the cgroup's count, null when the kernel did not say) and
 * `guarded` (the driver was not dumpable, so the program could not have learnt the nonce) are absent in a
 * line of the older form, which is then only read as before.
 */
export type DriverReport =
  | { kind: 'compile'; oomKills?: number | null; guarded?: boolean }
  | { kind: 'ran'; code: number; peakBytes: number | null; cpuNs: number | null; leftover: number; oomKills?: number | null; guarded?: boolean }
  | { kind: 'none' };

/** A report that decides a verdict alone, without the engine's inspect: guarded, and it knows the OOM kills. */
export function trustedReport(r: DriverReport): r is Exclude<DriverReport, { kind: 'none' }> & { oomKills: number; guarded: true } {
  return r.kind !== 'none' && r.guarded === true && typeof r.oomKills === 'number';
}

/** The driver's line on stdout, after the program's last byte: stdout is complete once it came. */
export function stdoutEndMark(nonce: string): Buffer {
  return Buffer.from(`\n${nonce}\n`);
}

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
  const num = (w: string | undefined) => (w !== undefined && /^\d+$/.test(w) ? Number(w) : null);
  // The newer form's last two words: the OOM kills and the guard.
  const tail = (oom: string | undefined, guard: string | undefined) => ({ oomKills: num(oom), guarded: guard === '1' });
  if (words[0] === 'compile') return { stderr: rest, report: { kind: 'compile', ...(words.length === 3 ? tail(words[1], words[2]) : {}) } };
  if (words[0] === 'ran' && (words.length === 5 || words.length === 7)) {
    const code = num(words[1]);
    if (code !== null) {
      const ran = { kind: 'ran' as const, code, peakBytes: num(words[2]), cpuNs: num(words[3]), leftover: num(words[4]) ?? 0 };
      return { stderr: rest, report: words.length === 7 ? { ...ran, ...tail(words[5], words[6]) } : ran };
    }
  }
  return { stderr, report: { kind: 'none' } };
}

/** The bytes that go to the container's stdin. */
export function driverInput(nonce: string, code: string, stdin: string): Buffer {
  const source = Buffer.from(code, 'utf8');
  return Buffer.concat([Buffer.from(`${nonce} ${source.length}\n`), source, Buffer.from(stdin, 'utf8')]);
}
