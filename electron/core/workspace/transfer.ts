// Tar streams between the desktop and a lab, made AS THE LAB USER inside the lab: `tar` runs in the
// container (the lab, or its files helper) under the lab's uid through Docker exec. Every transfer of
// the Files panel, the folder sync and the sandbox check goes this way: the engine itself (root) never
// walks a path the student can write, so a link swapped in mid-transfer reaches only what the student
// could reach with their own rights anyway (docs/design-notes.md, "Transfers: the engine never walks a
// lab's path as root"). What comes back is hostile input all the same: read it with readTar/TarFileBody.
import type Docker from 'dockerode';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
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

/**
 * The tar's bytes, ending in an error instead of a clean end when tar did not succeed (a file it could
 * not read, a path gone meanwhile): a download never ends looking complete when it is not. Destroying
 * the result ends the tar in the lab too.
 */
export function succeededTar(out: TarOut): Readable {
  const check = new Transform({
    readableHighWaterMark: 1 << 20,
    writableHighWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      out.done.then(
        ({ code, stderr }) => done(code === 0 ? null : new Error(`tar in the lab failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`)),
        (err: Error) => done(err),
      );
    },
  });
  pipeline(out.stream, check, () => undefined);
  return check;
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
  return untarAsLabUser(docker, container, profile, dir, tarStream, signal);
}

/** Unpacks a tar into `dir` (a path in the container) as the lab user. */
export function untarAsLabUser(
  docker: Docker,
  container: string,
  profile: Profile,
  dir: string,
  tarStream: Readable,
  signal?: AbortSignal,
): Promise<{ code: number | null; stderr: string }> {
  return execWriting(docker, container, ['tar', ...TAR_EXTRACT_OPTIONS, '-C', dir], tarStream, {
    user: profile.server.user,
    workingDir: profile.server.workspace,
    ...(signal ? { signal } : {}),
  });
}
