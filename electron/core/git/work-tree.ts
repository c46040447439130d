// File work on a host copy of a course folder. The folder came out of a lab, so it is never trusted:
// nothing here follows a link, every write creates a new file (never writes through an existing one),
// and anything in the way of a file the sync must write is moved aside under a "(yours)" name rather
// than overwritten. Changes are made in a scratch copy beside the folder and swapped in at the end, so a
// failure half-way leaves the folder as it was.
import { constants as fsc, promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { hostPathIn } from '../workspace/paths';
import type { WorkEntry } from './sync-plan';

export type HostEntry = 'missing' | 'file' | 'folder' | 'other';

/** What is at `rel` below `root`, looking at every part with lstat: a link on the way means "missing here". */
export async function entryAt(root: string, rel: string): Promise<HostEntry> {
  const parts = rel.split('/');
  let current = root;
  for (let i = 0; i < parts.length; i++) {
    current = path.join(current, parts[i]!);
    let st;
    try {
      st = await fs.lstat(current);
    } catch {
      return 'missing';
    }
    const last = i === parts.length - 1;
    if (!last && !st.isDirectory()) return 'missing';
    if (last) return st.isFile() ? 'file' : st.isDirectory() ? 'folder' : 'other';
  }
  return 'missing';
}

/** The student's side of each path: missing, a regular file (to be hashed), or something else. */
export async function scanWork(root: string, paths: Iterable<string>, hash: (files: string[]) => Promise<string[]>): Promise<Map<string, WorkEntry>> {
  const work = new Map<string, WorkEntry>();
  const files: string[] = [];
  for (const rel of paths) {
    const kind = await entryAt(root, rel);
    if (kind === 'file') files.push(rel);
    else work.set(rel, kind === 'missing' ? { kind: 'missing' } : { kind: 'other' });
  }
  const oids = await hash(files.map((rel) => hostPathIn(root, rel)));
  files.forEach((rel, i) => work.set(rel, { kind: 'file', oid: oids[i]! }));
  return work;
}

/** A new, unused folder name beside `folder` (same file system, so a rename can swap them). */
export function siblingName(folder: string, tag: string): string {
  return path.join(path.dirname(folder), `.classlab-${tag}-${path.basename(folder)}-${randomBytes(4).toString('hex')}`);
}

/** Copies a folder (files and folders only; links are copied as links, never followed). */
export async function copyFolder(from: string, to: string): Promise<void> {
  await fs.cp(from, to, { recursive: true, errorOnExist: true, force: false, preserveTimestamps: true, verbatimSymlinks: true, dereference: false });
}

/** Puts `replacement` where `folder` is, in two renames; on failure `folder` is as it was. */
export async function swapFolder(folder: string, replacement: string): Promise<void> {
  const old = siblingName(folder, 'old');
  await fs.rename(folder, old);
  try {
    await fs.rename(replacement, folder);
  } catch (err) {
    await fs.rename(old, folder);
    throw err;
  }
  await fs.rm(old, { recursive: true, force: true });
}

/**
 * Writes a new file at `rel` with `data`. Each parent must be a real folder: one that is not (a file,
 * a link) is first moved aside with `moveAside`. Whatever is at `rel` itself must have been dealt with
 * by the caller; a regular file there is replaced, anything else is moved aside.
 */
export async function writeNewFile(
  root: string,
  rel: string,
  data: Buffer,
  executable: boolean,
  moveAside: (rel: string, isFolder: boolean) => Promise<void>,
): Promise<void> {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const parent = parts.slice(0, i).join('/');
    const kind = await entryAt(root, parent);
    if (kind === 'folder') continue;
    if (kind !== 'missing') await moveAside(parent, false);
    await fs.mkdir(hostPathIn(root, parent));
  }
  const target = hostPathIn(root, rel);
  const kind = await entryAt(root, rel);
  if (kind === 'file') await fs.unlink(target);
  else if (kind !== 'missing') await moveAside(rel, kind === 'folder');
  const flags = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | (fsc.O_NOFOLLOW ?? 0);
  const handle = await fs.open(target, flags, executable ? 0o755 : 0o644);
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}

/** Removes a file and then each parent folder that it leaves empty (never `root` itself). */
export async function removeFile(root: string, rel: string): Promise<void> {
  await fs.unlink(hostPathIn(root, rel));
  const parts = rel.split('/');
  for (let i = parts.length - 1; i >= 1; i--) {
    try {
      await fs.rmdir(hostPathIn(root, parts.slice(0, i).join('/')));
    } catch {
      return;
    }
  }
}

/** Every file below `root` whose name matches `test`, as relative paths; links are not followed. */
export async function findFiles(root: string, test: (rel: string) => boolean, rel = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.readdir(rel === '' ? root : path.join(root, rel), { withFileTypes: true });
  for (const e of entries) {
    const child = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...(await findFiles(root, test, child)));
    else if (e.isFile() && test(child)) out.push(child);
  }
  return out;
}
