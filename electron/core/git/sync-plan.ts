// The sync policy as one pure function per path. Three versions of each path meet:
//   base     the instructor's version at the last sync (what the student started from),
//   upstream the instructor's version now,
//   work     what is in the student's folder now.
// The student's work always wins where both changed the same thing; everything else the instructor
// changed arrives. No commits are made for the student: the host git dir only remembers which upstream
// commit the folder was last synced to, and the student's changes are simply what differs from it.
import { isNotebookPath } from './notebook';

/** One entry of a git tree: blob id and mode ("100644", "100755", "120000"). */
export interface TreeEntry {
  oid: string;
  mode: string;
}

/** The student's folder at one path: nothing there, a regular file with this blob id, or something else (a folder, a link). */
export type WorkEntry = { kind: 'missing' } | { kind: 'file'; oid: string } | { kind: 'other' };

export type PathAction =
  /** Leave the student's folder as it is at this path. */
  | { do: 'none' }
  /** Write the instructor's version (added: new upstream; updated: the student had not changed it; restored: the student had deleted it). */
  | { do: 'write'; report: 'added' | 'updated' | 'restored' }
  /** Something of the student's is in the way: move it to a "(yours)" name, then write the instructor's version. */
  | { do: 'move-aside-and-write' }
  /** Both changed a text file: merge line by line, the student's lines win where both changed the same lines. */
  | { do: 'merge' }
  /** Both changed a notebook (or a binary file): keep the student's, write the instructor's beside it. */
  | { do: 'keep-and-write-beside' }
  /** The instructor removed a file the student had not changed. */
  | { do: 'delete' }
  /** The instructor removed a file the student had changed: the student's copy stays. */
  | { do: 'keep-removed-upstream' };

export function planPath(rel: string, base: TreeEntry | null, upstream: TreeEntry | null, work: WorkEntry): PathAction {
  if (upstream === null) {
    if (base === null || work.kind !== 'file') return { do: 'none' };
    return work.oid === base.oid ? { do: 'delete' } : { do: 'keep-removed-upstream' };
  }
  if (work.kind === 'missing') return { do: 'write', report: base === null ? 'added' : 'restored' };
  if (work.kind === 'other') return { do: 'move-aside-and-write' };
  if (work.oid === upstream.oid) return { do: 'none' };
  if (base === null) return { do: 'move-aside-and-write' };
  if (base.oid === upstream.oid) return { do: 'none' };
  if (work.oid === base.oid) return { do: 'write', report: 'updated' };
  return isNotebookPath(rel) ? { do: 'keep-and-write-beside' } : { do: 'merge' };
}

/** Every path's action, in an order that is safe to apply: deletions first, then writes, parents before children. */
export function planSync(
  base: ReadonlyMap<string, TreeEntry>,
  upstream: ReadonlyMap<string, TreeEntry>,
  work: ReadonlyMap<string, WorkEntry>,
): { path: string; action: PathAction }[] {
  const paths = [...new Set([...base.keys(), ...upstream.keys()])].sort();
  const steps = paths.map((p) => ({
    path: p,
    action: planPath(p, base.get(p) ?? null, upstream.get(p) ?? null, work.get(p) ?? { kind: 'missing' }),
  }));
  const rank = (a: PathAction) => (a.do === 'delete' ? 0 : 1);
  return steps.filter((s) => s.action.do !== 'none').sort((a, b) => rank(a.action) - rank(b.action) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
