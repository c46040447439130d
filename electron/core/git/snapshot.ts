// Snapshots of a student's course folder, taken before every sync so a student can go back. A snapshot
// is one tar file in a snapshots folder of ClassLab's data dir, named by the time it was taken. Written
// with the workspace's tar writer and read back with its hardened reader (a snapshot holds files that
// came out of a lab: it is treated as hostile input when restored). Only files and folders are kept;
// links and devices never reach the host folder in the first place.
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SnapshotInfo } from '../../api/contract';
import { extractTarToNewDir, packTar, type TarInput, type TarSummary } from '../workspace/tar';
import { GitError } from './errors';

// The schema lives in the API contract (the list crosses to the UI as it is).
export { SnapshotInfo };

// 20240501T143012345Z-before-sync: sortable, and safe as a file name everywhere.
const ID = /^(\d{8}T\d{9}Z)(?:-([a-z0-9-]{1,40}))?$/;

/** The id for a snapshot taken at `when` with `label`. Pure. */
export function snapshotId(when: Date, label = ''): string {
  const stamp = when.toISOString().replace(/[-:.]/g, '');
  const clean = label
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return clean === '' ? stamp : `${stamp}-${clean}`;
}

function parseId(id: string): { createdAt: string; label: string } | null {
  const m = ID.exec(id);
  if (!m || !m[1]) return null;
  const s = m[1];
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`;
  return { createdAt: iso, label: m[2] ?? '' };
}

/** The files and folders below `root` as tar entries (links and other kinds left out), sorted by name. */
export async function* folderEntries(root: string, rel = ''): AsyncGenerator<TarInput> {
  const entries = await fs.readdir(rel === '' ? root : path.join(root, rel), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const child = rel === '' ? e.name : `${rel}/${e.name}`;
    const abs = path.join(root, child);
    if (e.isDirectory()) {
      yield { path: child, kind: 'directory' };
      yield* folderEntries(root, child);
    } else if (e.isFile()) {
      const st = await fs.lstat(abs);
      yield { path: child, kind: 'file', size: st.size, mode: st.mode, mtime: st.mtime, open: () => createReadStream(abs) };
    }
  }
}

/** Saves `folder` as a new snapshot in `snapshotsDir`. */
export async function takeSnapshot(folder: string, snapshotsDir: string, opts: { label?: string; now?: Date } = {}): Promise<SnapshotInfo> {
  await fs.mkdir(snapshotsDir, { recursive: true, mode: 0o700 });
  let when = opts.now ?? new Date();
  let id = snapshotId(when, opts.label);
  // Two snapshots in the same millisecond: the later one moves on by a millisecond.
  while (
    await fs.lstat(path.join(snapshotsDir, `${id}.tar`)).then(
      () => true,
      () => false,
    )
  ) {
    when = new Date(when.getTime() + 1);
    id = snapshotId(when, opts.label);
  }
  const file = path.join(snapshotsDir, `${id}.tar`);
  const tmp = `${file}.${process.pid}.partial`;
  try {
    await pipeline(packTar(folderEntries(folder)), createWriteStream(tmp, { mode: 0o600 }));
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  const info = parseId(id)!;
  return { id, createdAt: info.createdAt, label: info.label, bytes: (await fs.stat(file)).size };
}

/** The snapshots in `snapshotsDir`, newest first. */
export async function listSnapshots(snapshotsDir: string): Promise<SnapshotInfo[]> {
  const names = await fs.readdir(snapshotsDir).catch(() => [] as string[]);
  const out: SnapshotInfo[] = [];
  for (const name of names) {
    if (!name.endsWith('.tar')) continue;
    const id = name.slice(0, -4);
    const info = parseId(id);
    if (!info) continue;
    out.push({ id, ...info, bytes: (await fs.stat(path.join(snapshotsDir, name))).size });
  }
  return out.sort((a, b) => (a.id < b.id ? 1 : -1));
}

function snapshotFile(snapshotsDir: string, id: string): string {
  if (!parseId(id)) throw new GitError('BAD_REQUEST', `"${id.slice(0, 80)}" is not a snapshot.`);
  return path.join(snapshotsDir, `${id}.tar`);
}

/** Restores a snapshot into `dest`, a folder that must not exist yet. */
export async function restoreSnapshot(snapshotsDir: string, id: string, dest: string): Promise<TarSummary> {
  const file = snapshotFile(snapshotsDir, id);
  try {
    await fs.access(file);
  } catch {
    throw new GitError('BAD_REQUEST', 'That snapshot no longer exists.');
  }
  return extractTarToNewDir(createReadStream(file), dest);
}

/** Deletes all but the `keep` newest snapshots; returns the ids it deleted. */
export async function pruneSnapshots(snapshotsDir: string, keep: number): Promise<string[]> {
  const old = (await listSnapshots(snapshotsDir)).slice(Math.max(0, keep));
  for (const s of old) await fs.rm(snapshotFile(snapshotsDir, s.id), { force: true });
  return old.map((s) => s.id);
}
