// While a lab runs: is its workspace full, or is it at its process limit? One cheap exec each, each time
// Docker is reconciled (reconcile.ts). A notice clears itself once the condition is gone.
import type Docker from 'dockerode';
import { execCollect } from '../engine/exec';
import type { Profile } from '../profiles/schema';
import { workspaceUsage } from '../sandbox/disk';
import { explainDiskFull, explainProcesses } from '../sandbox/explain';

/** The limit the running lab is at, in plain words, or null. */
export async function limitNotice(docker: Docker, container: string, profile: Profile): Promise<string | null> {
  const usage = await workspaceUsage(docker, container, profile);
  const disk = usage ? (explainDiskFull(usage, profile.resources.diskMiB)?.message ?? null) : null;
  if (disk) return disk;
  const pids = await processCount(docker, container, profile.server.user);
  return pids === null ? null : (explainProcesses(pids, profile)?.message ?? null);
}

/** Processes in the lab's cgroup (v2, then v1), or null when that cannot be read. */
async function processCount(docker: Docker, container: string, user: string): Promise<number | null> {
  try {
    const { out } = await execCollect(
      docker,
      container,
      ['/bin/sh', '-c', 'cat /sys/fs/cgroup/pids.current 2>/dev/null || cat /sys/fs/cgroup/pids/pids.current'],
      { user, stderr: false },
    );
    const n = Number(out.trim());
    return Number.isFinite(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}
