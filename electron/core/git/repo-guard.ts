// One git operation at a time per host git dir, and a clean start after a crash. A ClassLab that dies
// mid-operation (power cut, killed app) leaves git's *.lock files and half-finished merges or rebases
// behind; git then refuses to work until a human deletes them. While we hold our own lock, no other
// ClassLab git process can be running in the git dir (the git dirs live in ClassLab's data folder, not in
// any folder a user works in), so every lock file found then is stale and every operation in progress is
// abandoned: both are removed without asking.
import { constants as fsc, promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { GitError } from './errors';

const OWNER_LOCK = 'classlab.lock';
const held = new Set<string>();

/** Files and folders a half-finished merge, cherry-pick, revert, rebase, am or bisect leaves in the git dir. */
export const OPERATION_STATE = [
  'MERGE_HEAD',
  'MERGE_MSG',
  'MERGE_MODE',
  'MERGE_RR',
  'AUTO_MERGE',
  'CHERRY_PICK_HEAD',
  'REVERT_HEAD',
  'REBASE_HEAD',
  'BISECT_LOG',
  'BISECT_START',
  'BISECT_NAMES',
  'BISECT_TERMS',
  'BISECT_EXPECTED_REV',
  'BISECT_ANCESTORS_OK',
  'sequencer',
  'rebase-merge',
  'rebase-apply',
] as const;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` while holding ClassLab's lock on `gitDir` (a file with our pid). A lock left by a process
 * that no longer runs is taken over; one held by a live process (or by this process) is BUSY.
 */
export async function withRepoLock<T>(gitDir: string, fn: () => Promise<T>): Promise<T> {
  const key = path.resolve(gitDir);
  if (held.has(key)) throw new GitError('BUSY', 'A git operation on this folder is already running.');
  held.add(key);
  try {
    await fs.mkdir(path.dirname(key), { recursive: true });
    await fs.mkdir(key, { recursive: true });
    const lockFile = path.join(key, OWNER_LOCK);
    const me = JSON.stringify({ pid: process.pid, host: hostname() });
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await fs.open(lockFile, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
        await handle.writeFile(me);
        await handle.close();
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
        const owner = await readOwner(lockFile);
        if (owner && owner.host === hostname() && owner.pid !== process.pid && alive(owner.pid)) {
          throw new GitError('BUSY', 'Another ClassLab is working on this folder right now.');
        }
        await fs.rm(lockFile, { force: true });
      }
    }
    try {
      return await fn();
    } finally {
      await fs.rm(lockFile, { force: true });
    }
  } finally {
    held.delete(key);
  }
}

async function readOwner(file: string): Promise<{ pid: number; host: string } | null> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? { pid: parsed.pid, host: parsed.host } : null;
  } catch {
    return null;
  }
}

export interface Recovery {
  /** Stale lock files removed (relative to the git dir). */
  locks: string[];
  /** Half-finished operations abandoned. */
  operations: string[];
  /** The branch HEAD pointed at before an abandoned rebase, to point it there again. */
  headName: string | null;
}

/**
 * Removes stale lock files and half-finished operations from `gitDir`. Call only while holding
 * withRepoLock. The branch refs are untouched: git moves them only when an operation completes, so
 * after this the repository is as it was before the interrupted operation began.
 */
export async function recoverRepo(gitDir: string): Promise<Recovery> {
  const recovery: Recovery = { locks: [], operations: [], headName: null };
  for (const dir of ['rebase-merge', 'rebase-apply']) {
    const name = await fs.readFile(path.join(gitDir, dir, 'head-name'), 'utf8').catch(() => null);
    if (name && /^refs\/heads\/[^\s]+$/.test(name.trim())) recovery.headName = name.trim();
  }
  for (const entry of OPERATION_STATE) {
    const p = path.join(gitDir, entry);
    if (await exists(p)) {
      await fs.rm(p, { recursive: true, force: true });
      recovery.operations.push(entry);
    }
  }
  await removeLocks(gitDir, '', recovery.locks, 0);
  return recovery;
}

async function removeLocks(root: string, rel: string, found: string[], depth: number): Promise<void> {
  if (depth > 12) return;
  let entries;
  try {
    entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const child = rel === '' ? e.name : `${rel}/${e.name}`;
    // Objects are written to temporary names, never *.lock; skip the big folder.
    if (e.isDirectory() && child !== 'objects') await removeLocks(root, child, found, depth + 1);
    else if (e.isFile() && e.name.endsWith('.lock') && child !== OWNER_LOCK) {
      await fs.rm(path.join(root, child), { force: true });
      found.push(child);
    }
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}
