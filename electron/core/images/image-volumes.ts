// An image's VOLUME instructions. Docker gives every container of such an image an anonymous volume at
// each of those paths, on the engine's own disk, without the workspace's size limit and outside the
// read-only root: a student's `dd` there could fill the host. Where the lab container mounts something of
// its own at exactly that path (the workspace, the socket folder, its size-capped tmpfs folders, course
// folders), Docker uses that mount instead and makes no volume; anywhere else (also inside the workspace:
// the volume would be mounted over a part of it) the image is refused. Pure.
import path from 'node:path';
import { labHome, labTmpfs } from '../sandbox/policy';
import type { Profile } from '../profiles/schema';

/** The container paths the lab container mounts itself. */
export function coveredPaths(profile: Profile): string[] {
  return [
    profile.server.workspace,
    path.posix.dirname(profile.server.socket),
    ...Object.keys(labTmpfs(profile)),
    ...(labHome(profile) ? [labHome(profile)!] : []),
    '/dev/shm',
    ...profile.mounts.map((m) => m.target),
  ].map((p) => path.posix.normalize(p).replace(/(.)\/$/, '$1'));
}

/** Each declared volume the lab would get without a limit, in words; none: the image may run. */
export function imageVolumeProblems(volumes: readonly string[], profile: Profile): string[] {
  const covered = new Set(coveredPaths(profile));
  return volumes
    .map((v) => path.posix.normalize(v).replace(/(.)\/$/, '$1'))
    .filter((v) => !covered.has(v))
    .map((v) => `it declares VOLUME ${v}, which would give the lab a folder without its disk limit (a lab image may declare none but its workspace)`);
}
