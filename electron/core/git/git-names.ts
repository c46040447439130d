// Names git takes as ".git" — a repository of its own, or a pointer (a ".git" file with "gitdir: …") to
// one elsewhere. A folder copied out of a lab must hold none: ClassLab's git adds a folder holding one as
// a submodule and then runs `git status` INSIDE it, with that repository's config, whose filter, textconv
// or fsmonitor settings are programs (the confirmed attack of issue #9). The rules are git's own
// (is_ntfs_dotgit and is_hfs_dotgit in git's path.c and utf8.c), taken for every host at once: a copy
// made on Linux may be pushed from, or restored on, a Windows or macOS PC.
// - case-insensitive (".GIT", ".Git": one name on NTFS, APFS and HFS+);
// - NTFS drops trailing dots and spaces (".git.", ".git "), reads "GIT~1" as the 8.3 short name of
//   ".git", and "name:stream" as a stream of "name" (".git::$INDEX_ALLOCATION" is the folder);
// - HFS+ ignores some zero-width code points (".g\u200Cit").
// Pure.

/** Code points HFS+ ignores when it compares names (git's utf8.c next_hfs_char). */
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/** The name as NTFS and HFS+ compare it: lower case, ignorable code points out, stream and trailing dots/spaces cut. */
function comparable(name: string): string {
  let n = name.replace(HFS_IGNORED, '').toLowerCase();
  const colon = n.indexOf(':');
  if (colon >= 0) n = n.slice(0, colon);
  return n.replace(/[. ]+$/, '');
}

/** True when git on some host would take this one name (no slashes) as ".git". */
export function isGitName(name: string): boolean {
  const n = comparable(name);
  return n === '.git' || /^git~\d+$/.test(n);
}

export interface GitPathHit {
  /** The part of the path up to and including the name git takes as ".git". */
  path: string;
  /** What it is, in words for the user (why it is left out is the same for all, and the Git panel says it once). */
  reason: string;
}

/**
 * The first part of `rel` (a "/"-separated relative path) that git would take as ".git", with the
 * reason it is left out; null when there is none. `isFolder` says what the entry at `rel` itself is.
 */
export function gitPathHit(rel: string, isFolder: boolean): GitPathHit | null {
  const parts = rel.split('/');
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i]!;
    if (!isGitName(name)) continue;
    const hitPath = parts.slice(0, i + 1).join('/');
    const folder = i < parts.length - 1 || isFolder;
    const exact = name === '.git';
    const what = folder ? 'a git repository made inside the lab' : 'a .git file, which points git at another repository';
    const spelled = exact ? '' : ` ("${name}" is read as ".git" on Windows or macOS)`;
    return { path: hitPath, reason: `${what}${spelled}` };
  }
  return null;
}
