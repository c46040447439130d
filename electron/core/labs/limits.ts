// While a lab runs: is its workspace full, or is it at its process limit? One cheap exec for both, as
// the lab user, each time Docker is reconciled (reconcile.ts). A notice clears itself once the condition
// is gone. One exec rather than one per figure: with thirty labs every exec is three requests to the
// engine and a process started in a container (the idle-30-labs bench, docs/design-notes.md).
import type Docker from 'dockerode';
import { execCollect } from '../engine/exec';
import type { Profile } from '../profiles/schema';
import { parseStatfs, STATFS_FORMAT } from '../sandbox/disk';
import { explainDiskFull, explainProcesses } from '../sandbox/explain';

/** Prints the workspace's statfs on the first line (`-` when unreadable) and the cgroup's process count (v2, then v1) on the second. */
const LIMITS_SCRIPT = `stat -f -c "$1" "$2" 2>/dev/null || echo -; cat /sys/fs/cgroup/pids.current 2>/dev/null || cat /sys/fs/cgroup/pids/pids.current`;

/** The workspace's size and free space, and the processes in the lab's cgroup, as the lab reports them (null where unreadable). */
export function parseLimitReading(out: string): { usage: { sizeBytes: number; freeBytes: number } | null; pids: number | null } {
  const [statfs = '', pidsLine = ''] = out.split('\n');
  const pids = Number(pidsLine.trim());
  return { usage: parseStatfs(statfs), pids: pidsLine.trim() !== '' && Number.isFinite(pids) && pids > 0 ? pids : null };
}

/** The limit the running lab is at, in plain words, or null. */
export async function limitNotice(docker: Docker, container: string, profile: Profile): Promise<string | null> {
  let out: string;
  try {
    ({ out } = await execCollect(docker, container, ['/bin/sh', '-c', LIMITS_SCRIPT, 'limits', STATFS_FORMAT, profile.server.workspace], {
      user: profile.server.user,
      stderr: false,
    }));
  } catch {
    return null;
  }
  const { usage, pids } = parseLimitReading(out);
  const disk = usage ? (explainDiskFull(usage, profile.resources.diskMiB)?.message ?? null) : null;
  if (disk) return disk;
  return pids === null ? null : (explainProcesses(pids, profile)?.message ?? null);
}
