// Tar streams between the desktop and a lab made AS THE LAB USER inside the lab: `tar` runs in the
// container under the lab's uid through Docker exec. The sandbox check (attack 11) uses these to play a
// student who hands ClassLab a hostile archive.
//
// The Files feature moves its bulk bytes through Docker's archive API instead (files/lab-files.ts): the
// engine is much faster at it (exec's stdin and stdout are 1.5–2.5× slower than `docker cp` here), and
// it runs as root, which is why that path keeps to what root cannot abuse there: uploads go into a fresh
// staging folder with every header stamped with the lab user as owner and plain modes, moved in place by
// the lab user after a check that no link was swapped in; downloads are refused when the engine's account
// of what it archived differs from what the lab user saw, and are read by the hardened reader.
import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import type { Profile } from '../profiles/schema';
import { execReading, execWriting, type ExecOutput } from '../engine/exec';
import { containerPathIn, normalizeWorkspacePath } from './paths';

/** A tar stream (hand it to readTar / extractTarToNewDir) and, when it has finished, tar's exit code. */
export type TarOut = ExecOutput;

/**
 * A tar of `rel` (a file or folder inside the workspace), made by the lab user inside the lab. Entry
 * names start with the last part of `rel`.
 */
export async function tarFromLab(docker: Docker, container: string, profile: Profile, rel: string): Promise<TarOut> {
  const safe = normalizeWorkspacePath(rel);
  const full = containerPathIn(profile.server.workspace, safe);
  const parent = full.slice(0, full.lastIndexOf('/')) || '/';
  const name = full.slice(full.lastIndexOf('/') + 1);
  return execReading(docker, container, ['tar', '--create', '--file=-', '--numeric-owner', '-C', parent, '--', name], {
    user: profile.server.user,
    workingDir: profile.server.workspace,
  });
}

/** GNU tar's options for unpacking as the lab user: no foreign owners or modes, no folder replaced by a file. */
export const TAR_EXTRACT_OPTIONS = ['--extract', '--file=-', '--no-same-owner', '--no-same-permissions', '--no-overwrite-dir', '--warning=no-timestamp'];

/**
 * Unpacks a tar (made by packTar) into `relDir` of the workspace, as the lab user inside the lab. GNU tar
 * run by a non-root user keeps no foreign owners, refuses `..` members and does not follow links placed
 * where a folder is expected (--no-overwrite-dir, and the user's own permissions).
 */
export async function tarIntoLab(
  docker: Docker,
  container: string,
  profile: Profile,
  relDir: string,
  tarStream: Readable,
  signal?: AbortSignal,
): Promise<{ code: number | null; stderr: string }> {
  const dir = relDir === '' || relDir === '.' ? profile.server.workspace : containerPathIn(profile.server.workspace, normalizeWorkspacePath(relDir));
  return execWriting(docker, container, ['tar', ...TAR_EXTRACT_OPTIONS, '-C', dir], tarStream, { user: profile.server.user, workingDir: profile.server.workspace, signal });
}
