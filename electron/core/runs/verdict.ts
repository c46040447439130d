// The verdict of a run from what is known for sure. Pure. Order matters: what ClassLab itself did to the
// run (killed it for output or wall time) first, then what the kernel did (OOM kill, CPU-time signals),
// then what the driver saw before the program ran (compile step), then the program's exit status.
import type { RunVerdict } from '../../api/contract';
import type { DriverReport } from './driver';

export interface RunFacts {
  /** ClassLab stopped the run: an output stream passed its cap, or the wall time ran out. */
  killedFor: 'output' | 'wall' | null;
  /** Docker's State.OOMKilled: the kernel's OOM killer ended a process of the run. */
  oomKilled: boolean;
  /** The container's exit code (the driver passes the program's on). */
  exitCode: number;
  report: DriverReport;
  cpuSeconds: number;
  memoryMiB: number;
}

const SIGKILL = 9;
const SIGXCPU = 24;

export function decideVerdict(f: RunFacts): { verdict: RunVerdict; note: string | null } {
  if (f.killedFor === 'output') return { verdict: 'output-limit', note: 'The program printed more than the output limit; it was stopped.' };
  if (f.killedFor === 'wall') return { verdict: 'time-limit', note: 'The program ran out of wall time; it was stopped.' };
  if (f.oomKilled) return { verdict: 'memory-limit', note: 'The program used more memory than the limit; the kernel stopped it.' };
  if (f.report.kind === 'compile') return { verdict: 'compile-error', note: null };
  const code = f.report.kind === 'ran' ? f.report.code : f.exitCode;
  // SIGKILL at the hard CPU limit (a program that ignored SIGXCPU) is told apart from kill -9 by the CPU
  // time the run's cgroup counted.
  const outOfCpu =
    code === 128 + SIGXCPU || (code === 128 + SIGKILL && f.report.kind === 'ran' && f.report.cpuNs !== null && f.report.cpuNs >= f.cpuSeconds * 1e9);
  if (outOfCpu) {
    // Measured: a hog that reaches the limit can spend its CPU time in the kernel's reclaim (evicting and
    // re-reading the image's own files) before the OOM killer acts. At the limit, that is memory.
    const peak = f.report.kind === 'ran' ? f.report.peakBytes : null;
    if (peak !== null && peak >= 0.95 * f.memoryMiB * 1024 * 1024)
      return { verdict: 'memory-limit', note: `The program reached its ${f.memoryMiB} MiB of memory and spent its CPU time waiting for more.` };
    return { verdict: 'time-limit', note: `The program used its ${f.cpuSeconds} s of CPU time.` };
  }
  if (f.report.kind === 'ran' && f.report.leftover > 0)
    return {
      verdict: 'runtime-error',
      note: `The program left ${f.report.leftover} process(es) running when it ended; they were stopped with the sandbox.`,
    };
  if (f.report.kind === 'none') return { verdict: 'runtime-error', note: 'The run ended before the program finished.' };
  return code === 0 ? { verdict: 'accepted', note: null } : { verdict: 'runtime-error', note: null };
}
