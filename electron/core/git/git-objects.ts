// Small reads and writes on a host git dir, used by course sync and workspace repos. Blobs are bytes
// (never decoded as text), and hashes of the student's files are taken without filters, so what is
// compared is exactly what is on disk whatever a .gitattributes file says.
import { runGit, runGitBuffer, type GitRunOptions } from './git-runner';
import type { TreeEntry } from './sync-plan';
import { GitError } from './errors';

const BATCH = 200;

/** `git init --bare` at `gitDir` when it holds no repository yet; HEAD names `branch`. */
export async function initRepo(opts: GitRunOptions, gitDir: string, branch: string): Promise<boolean> {
  if (
    await revParse({ ...opts, gitDir }, 'HEAD', false).then(
      () => true,
      () => false,
    )
  )
    return false;
  await runGit({ ...opts, gitDir: undefined, workTree: undefined }, ['init', '-q', '--bare', `--initial-branch=${branch}`, gitDir]);
  return true;
}

/** The commit id `ref` names, or null when it names none (quiet) or a GitError (not quiet). */
export async function revParse(opts: GitRunOptions, ref: string, quiet = true): Promise<string | null> {
  try {
    const out = (await runGit(opts, ['rev-parse', '--verify', '-q', `${ref}^{commit}`])).trim();
    return out === '' ? null : out;
  } catch (err) {
    if (quiet) return null;
    throw err;
  }
}

/** True when `ancestor` is an ancestor of (or equal to) `descendant`. */
export async function isAncestor(opts: GitRunOptions, ancestor: string, descendant: string): Promise<boolean> {
  // merge-base prints nothing (and fails) when the histories share no commit: a force-push of a new history.
  const base = await runGit(opts, ['merge-base', ancestor, descendant]).then(
    (o) => o.trim(),
    () => '',
  );
  return base === ancestor;
}

export async function updateRef(opts: GitRunOptions, ref: string, oid: string): Promise<void> {
  await runGit(opts, ['update-ref', ref, oid]);
}

export async function deleteRef(opts: GitRunOptions, ref: string): Promise<void> {
  await runGit(opts, ['update-ref', '-d', ref]).catch(() => undefined);
}

/** Every blob in a commit's tree: path → entry. Gitlinks (submodules) are left out: ClassLab never checks them out. */
export async function listTree(opts: GitRunOptions, commit: string): Promise<Map<string, TreeEntry>> {
  const out = await runGit(opts, ['ls-tree', '-r', '-z', '--full-tree', commit]);
  return parseLsTree(out);
}

/** Parses `git ls-tree -r -z` output ("mode type oid\tpath\0"). Pure. */
export function parseLsTree(out: string): Map<string, TreeEntry> {
  const map = new Map<string, TreeEntry>();
  for (const record of out.split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode = '', type = '', oid = ''] = record.slice(0, tab).split(' ');
    if (type !== 'blob') continue;
    map.set(record.slice(tab + 1), { oid, mode });
  }
  return map;
}

/** Blob ids of host files as git would store them, without any filter. */
export async function hashFiles(opts: GitRunOptions, files: string[]): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < files.length; i += BATCH) {
    const chunk = files.slice(i, i + BATCH);
    const text = await runGit(opts, ['hash-object', '--no-filters', '--', ...chunk]);
    out.push(...text.split('\n').filter((l) => l !== ''));
  }
  if (out.length !== files.length) throw new GitError('GIT_FAILED', 'git could not read some files of the folder.');
  return out;
}

/** The bytes of blobs, many per git process. */
export async function readBlobs(opts: GitRunOptions, oids: string[]): Promise<Map<string, Buffer>> {
  const map = new Map<string, Buffer>();
  const unique = [...new Set(oids)];
  for (let i = 0; i < unique.length; i += BATCH) {
    const chunk = unique.slice(i, i + BATCH);
    const out = await runGitBuffer({ ...opts, input: `${chunk.join('\n')}\n` }, ['cat-file', '--batch']);
    for (const [oid, body] of parseCatFileBatch(out)) map.set(oid, body);
  }
  for (const oid of unique) if (!map.has(oid)) throw new GitError('GIT_FAILED', `The course repository is missing an object (${oid}).`);
  return map;
}

/** Parses `git cat-file --batch` output ("oid type size\n<bytes>\n" per object; "oid missing\n"). Pure. */
export function parseCatFileBatch(out: Buffer): Map<string, Buffer> {
  const map = new Map<string, Buffer>();
  let pos = 0;
  while (pos < out.length) {
    const nl = out.indexOf(0x0a, pos);
    if (nl < 0) break;
    const header = out.subarray(pos, nl).toString('utf8').split(' ');
    pos = nl + 1;
    if (header[1] === 'missing' || header.length < 3) continue;
    const size = Number(header[2]);
    map.set(header[0] ?? '', out.subarray(pos, pos + size));
    pos += size + 1;
  }
  return map;
}
