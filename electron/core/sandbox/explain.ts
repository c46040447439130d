// When a limit hits, say which and why in plain words: never a silent death. Pure functions over what
// Docker reports (container inspect, events, stats) and what the lab reports (free space), so the core,
// the CLI and the audit all word it the same way.
import path from 'node:path';
import { formatMiB } from '../../api/units';
import type { Profile } from '../profiles/schema';
import { scratchSizesMiB } from './policy';

export type LimitKind = 'memory' | 'processes' | 'disk' | 'scratch' | 'cpu';

export interface LimitExplanation {
  limit: LimitKind;
  /** One or two sentences for the user: what happened, and what to do. */
  message: string;
}

type ProfileLimits = Pick<Profile, 'resources' | 'server'>;

interface EventLike {
  Type?: string;
  Action?: string;
  status?: string;
}

/**
 * A Docker event about a lab container, in words. Docker sends `oom` whenever the lab's memory limit
 * made the kernel end a process in it; when the container keeps running, that process was a notebook
 * kernel or a program in a terminal (the notebook server restarts a kernel that dies).
 */
export function explainEvent(event: EventLike, profile: ProfileLimits, containerStillRunning: boolean): LimitExplanation | null {
  const action = event.Action ?? event.status ?? '';
  if (action !== 'oom') return null;
  const limit = formatMiB(profile.resources.memoryMiB);
  return containerStillRunning
    ? {
        limit: 'memory',
        message: `Your lab ran out of memory (${limit}) and the kernel was restarted. The program that used the most memory was ended; your files are safe.`,
      }
    : {
        limit: 'memory',
        message: `Your lab ran out of memory (${limit}) and was stopped. Open it again; work with smaller data or close notebooks you do not need.`,
      };
}

/** Process count at (or next to) the pids limit. */
export function explainProcesses(current: number, profile: ProfileLimits): LimitExplanation | null {
  const limit = profile.resources.pids;
  if (current < limit - 2) return null;
  return {
    limit: 'processes',
    message: `Too many processes: your lab reached its limit of ${limit} processes and cannot start new ones. Stop the program that keeps starting processes (restart the kernel or close the terminal).`,
  };
}

/** Workspace free space: full when less than 1 % (at least 1 MiB) is left. */
export function explainDiskFull(usage: { sizeBytes: number; freeBytes: number }, sizeMiB: number | null): LimitExplanation | null {
  const reserve = Math.max(1024 * 1024, usage.sizeBytes * 0.01);
  if (usage.freeBytes > reserve) return null;
  const size = formatMiB(sizeMiB ?? Math.round(usage.sizeBytes / (1024 * 1024)));
  return {
    limit: 'disk',
    message: `Workspace full (${size}): new files cannot be saved. Delete files you do not need (large outputs, data copies), then save again.`,
  };
}

/**
 * "No space left on device" at a path inside the lab: the workspace, or which scratch place (and its
 * size). Scratch places are emptied when the lab is reset.
 */
export function explainNoSpace(containerPath: string, profile: ProfileLimits, diskMiB: number | null = profile.resources.diskMiB): LimitExplanation {
  const p = path.posix.normalize(containerPath);
  const within = (dir: string) => p === dir || p.startsWith(`${dir.replace(/\/$/, '')}/`);
  if (within(profile.server.workspace)) {
    return {
      limit: 'disk',
      message: `Workspace full (${formatMiB(diskMiB ?? profile.resources.diskMiB)}): new files cannot be saved. Delete files you do not need, then save again.`,
    };
  }
  const sizes = scratchSizesMiB(profile.resources.memoryMiB);
  const home = path.posix.dirname(profile.server.workspace);
  const socketDir = path.posix.dirname(profile.server.socket);
  const places: [string, number, string][] = [
    [socketDir, 1, `The notebook's socket folder (${socketDir})`],
    ['/tmp', sizes.tmp, 'Temporary space (/tmp)'],
    ['/var/tmp', sizes.varTmp, 'Temporary space (/var/tmp)'],
    ['/dev/shm', sizes.shm, 'Shared memory (/dev/shm)'],
    ['/run', sizes.run, 'Run space (/run)'],
    [home, sizes.home, `The home folder (${home}, outside the workspace)`],
  ];
  for (const [dir, mib, label] of places) {
    if (within(dir)) {
      return {
        limit: 'scratch',
        message: `${label} is full (${formatMiB(mib)}). It is scratch space, emptied when the lab is reset; keep files in the workspace (${profile.server.workspace}).`,
      };
    }
  }
  return {
    limit: 'scratch',
    message: `${p} is read-only or full: the lab can only write to its workspace (${profile.server.workspace}) and to scratch space such as /tmp.`,
  };
}
