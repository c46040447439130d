// A process's own figures from Linux's /proc, as the idle benchmarks read them for ClassLab and for
// dockerd alike: CPU time so far (user + system, of the process and of its threads) and resident memory.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`; 100 on every Linux this runs on). */
let ticksPerSecond: Promise<number> | null = null;
function clockTicks(): Promise<number> {
  ticksPerSecond ??= run('getconf', ['CLK_TCK']).then(
    ({ stdout }) => Number(stdout.trim()) || 100,
    () => 100,
  );
  return ticksPerSecond;
}

/** CPU seconds the process used so far: utime + stime of /proc/PID/stat (fields 14 and 15). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / (await clockTicks());
}

/** Resident memory in MB (VmRSS of /proc/PID/status). */
export async function residentMB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kB = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return kB / 1024;
}

/** dockerd's process id on this machine (the engine the benchmark talks to through /var/run/docker.sock). */
export async function dockerdPid(): Promise<number> {
  const { stdout } = await run('pidof', ['dockerd']);
  const pid = Number(stdout.trim().split(/\s+/)[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error('dockerd is not running on this machine');
  return pid;
}

export interface ProcessMinute {
  /** Average CPU over the window, % of one core. */
  cpuPercent: number;
  /** Resident memory: the highest and the median of one sample a second. */
  rssPeakMB: number;
  rssMedianMB: number;
}

/** Watches each process for `ms`: CPU time at both ends over the wall time, resident memory once a second. */
export async function watchProcesses(pids: number[], ms: number): Promise<ProcessMinute[]> {
  const cpu0 = await Promise.all(pids.map(cpuSeconds));
  const t0 = performance.now();
  const rss: number[][] = pids.map(() => []);
  while (performance.now() - t0 < ms) {
    const now = await Promise.all(pids.map(residentMB));
    now.forEach((mb, i) => rss[i]!.push(mb));
    await new Promise((r) => setTimeout(r, 1000));
  }
  const cpu1 = await Promise.all(pids.map(cpuSeconds));
  const wall = (performance.now() - t0) / 1000;
  return pids.map((_, i) => {
    const sorted = [...rss[i]!].sort((a, b) => a - b);
    return {
      cpuPercent: ((cpu1[i]! - cpu0[i]!) / wall) * 100,
      rssPeakMB: sorted[sorted.length - 1]!,
      rssMedianMB: sorted[Math.floor(sorted.length / 2)]!,
    };
  });
}
