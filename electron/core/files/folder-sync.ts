// A workspace folder out to the host and back, for the host-side git of course sync and workspace repos
// (core/git/): the workspace is a Docker volume the host reaches only through Docker, and git must never
// run inside the lab. Two operations, each with one job:
//   exportFolder  the folder's files out of the lab into a NEW host folder (tar made by the lab user, read
//                 by the hardened reader); with the folder's `state`, a fingerprint of every entry;
//   writeFolder   a host folder into the lab: unpacked by the lab user into a staging folder on the
//                 workspace's own disk, then swapped in with renames. `replace` swaps only if the folder
//                 is still in the state it was exported in (a student who saved a file meanwhile loses
//                 nothing: the write is refused and nothing changes); the old folder is removed only once
//                 the new one is in place, and put back if that fails. `new` puts it under a free name.
// Links and special files are not carried (the reader drops them and a replace would lose them), so a
// folder holding one is refused up front with its name. Every step runs as the lab user through one
// fixed script whose arguments are never pasted into it, and no path on the way may be a link.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LabError } from '../../api/errors';
import { execCapture } from '../engine/exec';
import { folderEntries } from '../git/snapshot';
import { extractTarToNewDir, HostileArchiveError, packTar, type TarInput } from '../workspace/tar';
import { tarFromLab, tarIntoLab } from '../workspace/transfer';
import type { ScriptTarget } from './workspace-script';

/** The name of the new folder inside its staging folder. */
const STAGED = 'x';

export const FOLDER_SCRIPT = String.raw`
set -u
op=$1; ws=$2; shift 2
fail() { printf '%s' "$2" >&2; exit "$1"; }
ws=$(realpath -e -- "$ws") || fail 10 "The workspace folder is missing."
incoming="$ws/.classlab/incoming"
exists() { [ -e "$1" ] || [ -L "$1" ]; }
parent_ok() {
  pp=$(dirname -- "$1")
  [ -d "$pp" ] || fail 10 "The folder $(basename -- "$pp") is not there."
  rp=$(realpath -e -- "$pp") || fail 10 "The folder is not there."
  [ "$rp" = "$pp" ] || fail 12 "The path goes through a link; ClassLab does not follow links."
  case "$rp/" in "$ws"/*) ;; *) fail 12 "The path leaves the workspace." ;; esac
}
# missing, or a fingerprint of every entry (name, kind, size, time); refuses what cannot be carried.
state() {
  if ! exists "$1"; then printf 'missing'; return 0; fi
  [ -L "$1" ] && fail 12 "$2 is a link; ClassLab does not follow links."
  [ -d "$1" ] || fail 13 "$2 is not a folder."
  odd=$(find "$1" ! -type f ! -type d -printf '%P' -quit)
  [ -z "$odd" ] || fail 17 "$2/$odd is a link or a special file, which git sync does not carry. Move it out of $2, then try again."
  find "$1" -printf '%P\0%y\0%s\0%T@\0' | md5sum | cut -d' ' -f1 | tr -d '\n'
}
staging() {
  s="$incoming/$1"
  [ -d "$s" ] && [ ! -L "$s" ] && [ "$(realpath -e -- "$s")" = "$s" ] || fail 12 "The staging folder was replaced by a link; nothing was changed."
}
case "$op" in
state)
  p="$ws/$1"; parent_ok "$p"; state "$p" "$1"
  ;;
stage)
  mkdir -p -- "$incoming" && mkdir -- "$incoming/$1" || fail 14 "Could not make a staging folder: is the workspace full?"
  ;;
place)
  id=$1; t="$ws/$2"; want=$3
  staging "$id"
  [ -d "$s/x" ] && [ ! -L "$s/x" ] || fail 14 "The new folder is not in the staging folder."
  mkdir -p -- "$(dirname -- "$t")" || fail 14 "Could not make the folder for $2."
  parent_ok "$t"
  if [ "$want" = new ]; then
    d=$(dirname -- "$t"); n=$(basename -- "$t"); name=$n; i=2
    while exists "$d/$name"; do name="$n ($i)"; i=$((i + 1)); done
    mv -T -n -- "$s/x" "$d/$name" && ! exists "$s/x" || fail 14 "Could not put $name in place."
    printf '%s' "$name"
  else
    now=$(state "$t" "$2") || exit $?
    [ "$now" = "$want" ] || fail 16 "Files in $2 changed while it was being synced, so nothing was changed. Save your work and try again."
    if [ "$now" != missing ]; then
      mv -T -n -- "$t" "$s/old" && ! exists "$t" || fail 14 "Could not move the old $2 aside; nothing was changed."
    fi
    if ! mv -T -n -- "$s/x" "$t" || exists "$s/x"; then
      if [ "$now" != missing ]; then mv -T -n -- "$s/old" "$t"; fi
      fail 14 "Could not put the new $2 in place; the old one is back."
    fi
  fi
  chmod -R u+rwX -- "$s" 2>/dev/null; rm -rf -- "$s"
  ;;
discard)
  [ -d "$incoming/$1" ] && [ ! -L "$incoming/$1" ] || exit 0
  chmod -R u+rwX -- "$incoming/$1" 2>/dev/null; rm -rf -- "$incoming/$1"
  ;;
remove)
  p="$ws/$1"; parent_ok "$p"
  [ -d "$p" ] && [ ! -L "$p" ] || exit 0
  chmod -R u+rwX -- "$p" 2>/dev/null; rm -rf -- "$p"
  ;;
*) fail 15 "unknown operation" ;;
esac
`;

const EXIT: Record<number, LabError['code']> = { 10: 'NOT_FOUND', 12: 'PATH_INVALID', 13: 'PATH_INVALID', 15: 'BAD_REQUEST', 16: 'BUSY', 17: 'REFUSED' };

async function folderOp(t: ScriptTarget, op: string, args: string[]): Promise<string> {
  const cmd = ['sh', '-c', FOLDER_SCRIPT, 'classlab-folder', op, t.profile.server.workspace, ...args];
  const result = await execCapture(t.docker, t.container, cmd, { user: t.profile.server.user, workingDir: t.profile.server.workspace });
  if (result.code === 0) return result.stdout.toString('utf8');
  const message = result.stderr.trim().split('\n').pop() || `The folder operation "${op}" failed (exit ${result.code}).`;
  if (result.code === 14 && /no space left|disk quota/i.test(result.stderr)) {
    throw new LabError('DISK_FULL', `${message} The workspace is full: delete files you do not need (and empty the trash), then try again.`);
  }
  throw new LabError(EXIT[result.code ?? -1] ?? 'INTERNAL', message);
}

/** What the folder is now: 'missing' or a fingerprint of every entry. Refuses links and special files in it. */
export function folderState(t: ScriptTarget, rel: string): Promise<string> {
  return folderOp(t, 'state', [rel]);
}

/**
 * Copies the workspace folder `rel` into `hostDest`, a host folder that must not exist yet (made empty
 * when the folder is not in the lab). Returns the folder's state as it was just before the copy, for
 * writeFolder's `replace`.
 */
export async function exportFolder(t: ScriptTarget, rel: string, hostDest: string, signal?: AbortSignal): Promise<{ state: string }> {
  const state = await folderState(t, rel);
  if (state === 'missing') {
    await fs.mkdir(hostDest);
    return { state };
  }
  const out = `${hostDest}.out-${randomBytes(4).toString('hex')}`;
  try {
    const tar = await tarFromLab(t.docker, t.container, t.profile, rel);
    const opts = signal ? { signal } : {};
    await extractTarToNewDir(tar.stream, out, opts).catch((err: unknown) => {
      throw err instanceof HostileArchiveError ? new LabError('REFUSED', err.message) : err;
    });
    const done = await tar.done;
    if (done.code !== 0) {
      throw new LabError(done.code === 1 ? 'BUSY' : 'INTERNAL', `The folder ${rel} could not be copied out of the lab${done.code === 1 ? ': files changed while it was read. Try again' : ''} (${done.stderr.trim().split('\n').pop() ?? ''}).`);
    }
    // The tar holds the folder under its own name.
    await fs.rename(path.join(out, path.posix.basename(rel)), hostDest);
    return { state };
  } finally {
    await fs.rm(out, { recursive: true, force: true });
  }
}

async function* staged(hostSrc: string): AsyncGenerator<TarInput> {
  yield { path: STAGED, kind: 'directory' };
  for await (const entry of folderEntries(hostSrc)) yield { ...entry, path: `${STAGED}/${entry.path}` };
}

export type WriteMode =
  /** Replace the folder, only if it is still in this state (from exportFolder). */
  | { replace: string }
  /** A new folder: `rel`, or "rel (2)", … when that is taken. */
  | 'new';

/** Writes the host folder `hostSrc` into the workspace as `rel` (see WriteMode). Returns the workspace path written. */
export async function writeFolder(t: ScriptTarget, hostSrc: string, rel: string, mode: WriteMode, signal?: AbortSignal): Promise<string> {
  const id = `git-${Date.now()}-${randomBytes(4).toString('hex')}`;
  await folderOp(t, 'stage', [id]);
  try {
    const body = packTar(staged(hostSrc));
    const unpacked = await tarIntoLab(t.docker, t.container, t.profile, `.classlab/incoming/${id}`, body, signal);
    if (unpacked.code !== 0) {
      const why = unpacked.stderr.trim().split('\n').pop() ?? '';
      if (/no space left|disk quota/i.test(unpacked.stderr)) throw new LabError('DISK_FULL', `The workspace is full; nothing was changed. Delete files you do not need (and empty the trash), then try again.`);
      throw new LabError('INTERNAL', `The folder could not be written into the lab: ${why}`);
    }
    const name = await folderOp(t, 'place', [id, rel, mode === 'new' ? 'new' : mode.replace]);
    if (mode !== 'new') return rel;
    const parent = path.posix.dirname(rel);
    return parent === '.' ? name : `${parent}/${name}`;
  } catch (err) {
    await folderOp(t, 'discard', [id]).catch(() => undefined);
    throw err;
  }
}

/** Removes a folder that writeFolder made (when a later step failed). */
export async function removeFolder(t: ScriptTarget, rel: string): Promise<void> {
  await folderOp(t, 'remove', [rel]);
}
