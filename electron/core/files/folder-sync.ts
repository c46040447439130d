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
import { folderEntries } from '../git/snapshot';
import { extractTarToNewDir, HostileArchiveError, packTar, type ReadTarOptions, type TarInput } from '../workspace/tar';
import { tarFromLab, tarIntoLab } from '../workspace/transfer';
import { runWorkspaceOp, type ScriptTarget } from './workspace-script';

/** The name of the new folder inside its staging folder. */
const STAGED = 'x';

/** One of the workspace script's folder operations (folder…), as the lab user. */
async function folderOp(t: ScriptTarget, op: 'state' | 'stage' | 'place' | 'discard' | 'remove', args: string[]): Promise<string> {
  return (await runWorkspaceOp(t, op === 'discard' ? 'discard' : `folder${op}`, args)).toString('utf8');
}

/** What the folder is now: 'missing' or a fingerprint of every entry. Refuses links and special files in it. */
export function folderState(t: ScriptTarget, rel: string): Promise<string> {
  return folderOp(t, 'state', [rel]);
}

/** An entry of the folder that was not copied out, and why (paths relative to the workspace). */
export interface LeftOut {
  path: string;
  reason: string;
}

/** Which entries of the folder to leave out of the host copy (paths relative to the folder). */
export type OmitRule = (relInFolder: string, isFolder: boolean) => LeftOut | null;

/**
 * Copies the workspace folder `rel` into `hostDest`, a host folder that must not exist yet (made empty
 * when the folder is not in the lab). Returns the folder's state as it was just before the copy, for
 * writeFolder's `replace`, and what `omit` left out (never written on the host).
 */
export async function exportFolder(
  t: ScriptTarget,
  rel: string,
  hostDest: string,
  signal?: AbortSignal,
  omit?: OmitRule,
): Promise<{ state: string; leftOut: LeftOut[] }> {
  const state = await folderState(t, rel);
  if (state === 'missing') {
    await fs.mkdir(hostDest);
    return { state, leftOut: [] };
  }
  const out = `${hostDest}.out-${randomBytes(4).toString('hex')}`;
  const top = path.posix.basename(rel);
  try {
    const tar = await tarFromLab(t.docker, t.container, t.profile, rel);
    const opts: ReadTarOptions = signal ? { signal } : {};
    // The tar holds the folder under its own name: the rule sees paths inside the folder.
    if (omit) {
      opts.omit = (p, isFolder) => {
        if (!p.startsWith(`${top}/`)) return null;
        const hit = omit(p.slice(top.length + 1), isFolder);
        return hit && { path: `${top}/${hit.path}`, reason: hit.reason };
      };
    }
    const summary = await extractTarToNewDir(tar.stream, out, opts).catch((err: unknown) => {
      throw err instanceof HostileArchiveError ? new LabError('REFUSED', err.message) : err;
    });
    const done = await tar.done;
    if (done.code !== 0) {
      throw new LabError(
        done.code === 1 ? 'BUSY' : 'INTERNAL',
        `The folder ${rel} could not be copied out of the lab${done.code === 1 ? ': files changed while it was read. Try again' : ''} (${done.stderr.trim().split('\n').pop() ?? ''}).`,
      );
    }
    await fs.rename(path.join(out, top), hostDest);
    const parent = path.posix.dirname(rel);
    const leftOut = omit
      ? summary.skipped
          .filter((s) => s.path.startsWith(`${top}/`))
          .map((s) => ({ path: parent === '.' ? s.path : `${parent}/${s.path}`, reason: s.reason }))
          .sort((a, b) => (a.path < b.path ? -1 : 1))
      : [];
    return { state, leftOut };
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
      if (/no space left|disk quota/i.test(unpacked.stderr))
        throw new LabError('DISK_FULL', `The workspace is full; nothing was changed. Delete files you do not need (and empty the trash), then try again.`);
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
