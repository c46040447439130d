// File transfer between the desktop and a lab, done AS THE LAB USER inside the lab: `tar` runs in the
// container under the lab's uid through Docker exec, reading from or writing to the workspace.
//
// Why not Docker's archive API (getArchive/putArchive, `docker cp`): the engine runs those as root. It
// keeps paths inside the container, but within the container root can read what the student cannot
// (a workspace link to /etc/shadow would be downloaded), and writes land as root wherever a link points.
// With tar running as the student, a link — even one swapped in during the transfer — reaches only what
// the student could read or write anyway, and tar stores links as links (no -h), which the hardened
// reader on the host then refuses or skips.
import type Docker from 'dockerode';
import { PassThrough, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Profile } from '../profiles/schema';
import { demuxStream as demux } from '../engine/exec';
import { containerPathIn, normalizeWorkspacePath } from './paths';

export interface TarOut {
  /** The tar stream; hand it to readTar / extractTarToNewDir. */
  stream: Readable;
  /** Resolves with tar's exit code and error output when it has finished. */
  done: Promise<{ code: number | null; stderr: string }>;
}

/**
 * A tar of `rel` (a file or folder inside the workspace), made by the lab user inside the lab. Entry
 * names start with the last part of `rel`.
 */
export async function tarFromLab(docker: Docker, container: string, profile: Profile, rel: string): Promise<TarOut> {
  const safe = normalizeWorkspacePath(rel);
  const full = containerPathIn(profile.server.workspace, safe);
  const parent = full.slice(0, full.lastIndexOf('/')) || '/';
  const name = full.slice(full.lastIndexOf('/') + 1);
  const exec = await docker.getContainer(container).exec({
    Cmd: ['tar', '--create', '--file=-', '--numeric-owner', '-C', parent, '--', name],
    User: profile.server.user,
    AttachStdout: true,
    AttachStderr: true,
    WorkingDir: profile.server.workspace,
  });
  const raw = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  let stderr = '';
  demux(raw, out, (t) => (stderr = (stderr + t).slice(-4000)));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    raw.on('end', async () => {
      out.end();
      const info = await exec.inspect().catch(() => null);
      resolve({ code: info?.ExitCode ?? null, stderr });
    });
    raw.on('error', (err: Error) => {
      out.destroy(err);
      resolve({ code: null, stderr: `${stderr}${err.message}` });
    });
  });
  return { stream: out, done };
}

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
  const exec = await docker.getContainer(container).exec({
    Cmd: ['tar', '--extract', '--file=-', '--no-same-owner', '--no-same-permissions', '--no-overwrite-dir', '--warning=no-timestamp', '-C', dir],
    User: profile.server.user,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    WorkingDir: profile.server.workspace,
  });
  const raw = await exec.start({ hijack: true, stdin: true });
  const socket = raw as unknown as NodeJS.WritableStream & { end: () => void; destroy: (err?: Error) => void };
  let stderr = '';
  const sink = new PassThrough();
  demux(raw, sink, (t) => (stderr = (stderr + t).slice(-4000)));
  sink.resume();
  const ended = new Promise<void>((resolve) => {
    raw.on('end', resolve);
    raw.on('close', resolve);
    raw.on('error', () => resolve());
  });
  // A cancelled or failed input must end tar too: cutting the connection leaves tar with a truncated
  // archive, which it refuses (non-zero exit), and the caller discards what it wrote.
  let cut: Error | null = null;
  const cutOff = (err: Error) => {
    cut ??= err;
    socket.destroy();
  };
  const onAbort = () => cutOff(new Error('The transfer was cancelled.'));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    tarStream.pipe(socket, { end: false });
    // finished() also sees an input that was destroyed before we got here (a refusal can come first).
    try {
      await finished(tarStream);
      // Half-close: tar sees the end of its input and exits.
      socket.end();
    } catch (err) {
      cutOff(err as Error);
    }
    await ended;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (cut) throw cut;
  const info = await exec.inspect().catch(() => null);
  return { code: info?.ExitCode ?? null, stderr };
}
