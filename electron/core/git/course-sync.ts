// Course sync: brings an instructor's repository into a student's course folder without ever losing the
// student's work. Host-side model: the folder's git dir lives in ClassLab's data folder (the workspace
// never holds a .git — a student could plant config there that runs commands on the host); the caller
// copies the course folder out of the lab into a fresh host folder, calls syncCourse on it, and writes
// the result back. The git dir only stores objects and two refs:
//   HEAD (refs/heads/course)   what the folder was last synced to, moved only by ClassLab;
//   refs/classlab/upstream     the same commit, as fetched; the two differ only if something else
//                              committed in the git dir (a "student commit").
// The student's changes are never committed: they are whatever differs from that commit.
//
// Policy (compared with nbgitpuller, which commits the student's work and runs `git merge -Xours`):
// per file, three-way (sync-plan.ts). Student wins conflicting hunks of text files; the instructor's
// other changes arrive; deleted files come back; a student's file in the way of a new instructor file
// becomes "name (yours).ext"; a notebook both changed is never merged by lines (that can break its
// JSON): the student's stays, the instructor's goes beside it as "name (instructor).ipynb". When the
// history the folder came from is gone (force-push) or something committed locally, the old folder is
// kept whole as a dated backup and a fresh copy is made.
//
// Failures (network, credentials, missing branch) happen in the fetch, before any file is touched; the
// file changes are made in a scratch copy and swapped in; the refs move only after the swap.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log';
import { isSafeWorkspacePath, type HostPlatform } from '../workspace/paths';
import { CourseBundleError } from './course-bundle';
import { GitError } from './errors';
import { deleteRef, hashFiles, initRepo, isAncestor, listTree, readBlobs, revParse, updateRef } from './git-objects';
import { runGit, scrubGitText, type GitCredentials, type GitRunOptions, type GitSupport } from './git-runner';
import { isNotebookPath, notebookProblem } from './notebook';
import { checkBranchName, credentialFreeUrl } from './remote-url';
import { keepRepoConfig } from './repo-config';
import { recoverRepo, withRepoLock } from './repo-guard';
import { takeSnapshot } from './snapshot';
import { backupFolderName, instructorNames, yoursNames } from './sync-names';
import { planSync, type TreeEntry, type WorkEntry } from './sync-plan';
import { CourseSyncReport, describeSync, type KeptFile } from './sync-report';
import { copyFolder, entryAt, findFiles, removeFile, scanWork, siblingName, swapFolder, writeNewFile } from './work-tree';

export const COURSE_BRANCH = 'course';
const UPSTREAM_REF = 'refs/classlab/upstream';
const FETCHED_REF = 'refs/classlab/fetched';

export interface CourseSyncOptions {
  support: GitSupport;
  /** The course folder's host git dir (in ClassLab's data folder); created when missing. */
  gitDir: string;
  /** The host copy of the student's course folder. It must exist (empty for a first copy). */
  workTree: string;
  url: string;
  branch: string;
  /**
   * A first copy from a lab pack's course bundle that checkBundle accepted (course-bundle.ts): fetched
   * from the file instead of `url`, and only into a git dir never synced before; the branch fetched must
   * still be the commit checkBundle returned. Later syncs use `url`.
   */
  bundle?: { file: string; commit: string };
  /** Instructors may sync from local folders (see remote-url.ts). */
  allowLocal?: boolean;
  credentials?: GitCredentials;
  /** A host folder for the backup of the old course folder when histories diverge. */
  backupRoot: string;
  /** The course folder's name in the workspace, for the backup's name (e.g. "course"). */
  folderName: string;
  /** When set, a snapshot of the folder is saved here before it is changed. */
  snapshotsDir?: string;
  now?: Date;
  signal?: AbortSignal;
  stallMs?: number;
  deadlineMs?: number;
  logger?: Logger;
  /** The OS whose file names the result must hold (default: this one). */
  platform?: HostPlatform;
}

export interface CourseSyncResult {
  report: CourseSyncReport;
  /** The host folder holding the backup of the old course folder, when one was made. */
  backupHostPath: string | null;
}

/** True while the git dir has never been synced (the next sync is the course folder's first copy). */
export async function isFirstCopy(opts: Pick<CourseSyncOptions, 'support' | 'gitDir'>): Promise<boolean> {
  return (await revParse(gitOpts(opts), UPSTREAM_REF)) === null;
}

/** A first copy: the git dir must not have been synced before. An existing folder's files are kept like in any sync. */
export async function cloneCourse(opts: CourseSyncOptions): Promise<CourseSyncResult> {
  const g = gitOpts(opts);
  if (await revParse(g, UPSTREAM_REF)) throw new GitError('BAD_REQUEST', 'This course folder was copied before; sync it instead.');
  return syncCourse(opts);
}

/** Brings the instructor's newest commit into the folder (or makes the first copy). */
export async function syncCourse(opts: CourseSyncOptions): Promise<CourseSyncResult> {
  // A first copy from a pack's bundle never contacts the address (it is only logged): its shape is
  // checked, but whether this computer may reach a local address matters only when it is fetched from.
  const url = credentialFreeUrl(opts.url, { allowLocal: opts.bundle ? true : (opts.allowLocal ?? false) });
  const branch = checkBranchName(opts.branch);
  const st = await fs.lstat(opts.workTree).catch(() => null);
  if (!st?.isDirectory()) throw new GitError('BAD_REQUEST', 'The course folder to sync does not exist.');

  return withRepoLock(opts.gitDir, async () => {
    const g = gitOpts(opts);
    await initRepo(g, opts.gitDir, COURSE_BRANCH);
    const cleaned = await keepRepoConfig(g, opts.gitDir, true);
    if (cleaned.length) opts.logger?.warn('git: removed settings ClassLab never writes from the course git dir', { keys: cleaned });
    const recovered = await recoverRepo(opts.gitDir);
    if (recovered.locks.length || recovered.operations.length) opts.logger?.warn('git: recovered after a crash', { ...recovered });
    if (recovered.headName) await runGit(g, ['symbolic-ref', 'HEAD', recovered.headName]);

    const last = await revParse(g, UPSTREAM_REF);
    const upstream = opts.bundle ? await fetchBundle(g, opts.bundle, branch, last) : await fetchUrl(g, url, branch);
    const head = await revParse(g, 'HEAD');

    const diverged = last !== null && (head !== last || !(await isAncestor(g, last, upstream)));
    const result = diverged ? await freshCopy(opts, g, upstream, last, head) : await mergeInto(opts, g, upstream, last);

    await updateRef(g, 'HEAD', upstream);
    await updateRef(g, UPSTREAM_REF, upstream);
    await deleteRef(g, FETCHED_REF);
    opts.logger?.info('git: course synced', {
      url: scrubGitText(url),
      ...(opts.bundle ? { from: 'lab pack bundle' } : {}),
      branch,
      commit: upstream,
      outcome: result.report.outcome,
    });
    return result;
  });
}

/** Fetches the course branch from its address into FETCHED_REF; network, credential and branch failures happen here, before any file is touched. */
async function fetchUrl(g: GitRunOptions, url: string, branch: string): Promise<string> {
  await runGit(g, ['fetch', '--no-tags', '--no-write-fetch-head', '--progress', '--', url, `+refs/heads/${branch}:${FETCHED_REF}`]);
  const upstream = await revParse(g, FETCHED_REF);
  if (!upstream) throw new GitError('GIT_BRANCH_MISSING', 'The course repository has no branch of that name.');
  return upstream;
}

/**
 * Fetches the branch from a checked bundle (a local file of ClassLab's own data folder: file transport for
 * this one git process). Git 2.39 does not fsck what it fetches from a bundle; checkBundle did, in a
 * throw-away repository, and the commit must be the one it checked (objects are named by their content,
 * so it is the same history). Any failure is a CourseBundleError: the caller copies from the address instead.
 */
async function fetchBundle(g: GitRunOptions, bundle: NonNullable<CourseSyncOptions['bundle']>, branch: string, last: string | null): Promise<string> {
  if (last !== null) throw new CourseBundleError('the course folder was copied before; later syncs use the course address');
  // The file transport for this one process (the file is ClassLab's own), and no token: nothing to answer.
  const { credentials: _none, ...local } = g;
  try {
    await runGit({ ...local, allowLocal: true }, [
      'fetch',
      '--no-tags',
      '--no-write-fetch-head',
      '--',
      path.resolve(bundle.file),
      `+refs/heads/${branch}:${FETCHED_REF}`,
    ]);
  } catch (err) {
    if (g.signal?.aborted) throw err;
    throw new CourseBundleError('git could not read it', err instanceof GitError ? err.detail : String(err));
  }
  const upstream = await revParse(g, FETCHED_REF);
  if (upstream !== bundle.commit) {
    await deleteRef(g, FETCHED_REF);
    throw new CourseBundleError('it changed after it was checked');
  }
  return upstream;
}

/**
 * Puts the folder back to the commit it was synced to before `syncCourse` (for a caller that could not
 * write the result back into the lab): otherwise the next sync would take the old files for the
 * student's edits.
 */
export async function undoCourseSync(opts: Pick<CourseSyncOptions, 'support' | 'gitDir'>, previousCommit: string | null): Promise<void> {
  await withRepoLock(opts.gitDir, async () => {
    const g = gitOpts(opts);
    if (previousCommit === null) {
      await deleteRef(g, UPSTREAM_REF);
      await deleteRef(g, `refs/heads/${COURSE_BRANCH}`);
      return;
    }
    await updateRef(g, 'HEAD', previousCommit);
    await updateRef(g, UPSTREAM_REF, previousCommit);
  });
}

function gitOpts(opts: Pick<CourseSyncOptions, 'support' | 'gitDir'> & Partial<CourseSyncOptions>): GitRunOptions {
  const g: GitRunOptions = { support: opts.support, gitDir: opts.gitDir, allowLocal: opts.allowLocal ?? false };
  if (opts.credentials) g.credentials = opts.credentials;
  if (opts.signal) g.signal = opts.signal;
  if (opts.stallMs) g.stallMs = opts.stallMs;
  if (opts.deadlineMs) g.deadlineMs = opts.deadlineMs;
  return g;
}

type Draft = Omit<CourseSyncReport, 'summary'>;

function emptyDraft(outcome: Draft['outcome'], commit: string, previousCommit: string | null): Draft {
  return {
    outcome,
    commit,
    previousCommit,
    added: [],
    updated: [],
    merged: [],
    kept: [],
    renamed: [],
    restored: [],
    removed: [],
    backup: null,
    snapshot: null,
    notebookProblems: [],
  };
}

function finish(draft: Draft, backupHostPath: string | null): CourseSyncResult {
  return { report: CourseSyncReport.parse({ ...draft, summary: describeSync(draft) }), backupHostPath };
}

/** A commit's tree without paths this OS cannot hold (logged; fsck already refused `..` and `.git`). */
async function hostTree(opts: CourseSyncOptions, g: GitRunOptions, commit: string): Promise<Map<string, TreeEntry>> {
  const tree = await listTree(g, commit);
  const platform = opts.platform ?? (process.platform as HostPlatform);
  for (const p of [...tree.keys()]) {
    if (!isSafeWorkspacePath(p, { host: platform })) {
      tree.delete(p);
      opts.logger?.warn('git: skipped a course file this computer cannot hold', { path: p });
    }
  }
  return tree;
}

async function mergeInto(opts: CourseSyncOptions, g: GitRunOptions, upstream: string, last: string | null): Promise<CourseSyncResult> {
  const up = await hostTree(opts, g, upstream);
  const base = last ? await hostTree(opts, g, last) : new Map<string, TreeEntry>();
  const work = await scanWork(opts.workTree, new Set([...base.keys(), ...up.keys()]), (files) => hashFiles(g, files));
  const plan = planSync(base, up, work);
  const outcome = last === null ? 'cloned' : plan.length === 0 ? 'up-to-date' : 'synced';
  const draft = emptyDraft(outcome, upstream, last);
  if (plan.length === 0 && last !== null) return finish(draft, null);

  const blobs = await readBlobs(g, [
    ...plan.flatMap((s) => (s.action.do === 'delete' || s.action.do === 'keep-removed-upstream' ? [] : [up.get(s.path)!.oid])),
    ...plan.flatMap((s) => (s.action.do === 'merge' ? [base.get(s.path)!.oid] : [])),
  ]);
  const scratch = siblingName(opts.workTree, 'sync');
  await copyFolder(opts.workTree, scratch);
  try {
    const apply = new Applier(scratch, up, g);
    for (const { path: rel, action } of plan) {
      const entry = up.get(rel);
      switch (action.do) {
        case 'delete':
          await removeFile(scratch, rel);
          draft.removed.push(rel);
          break;
        case 'keep-removed-upstream':
          draft.kept.push({ path: rel, instructorCopy: null, reason: 'removed-by-instructor' });
          break;
        case 'write':
          await apply.write(rel, entry!, blobs);
          draft[action.report].push(rel);
          break;
        case 'move-aside-and-write':
          await apply.moveAside(rel, (await entryAt(scratch, rel)) === 'folder');
          await apply.write(rel, entry!, blobs);
          break;
        case 'merge': {
          const merged = await apply.merge(rel, blobs.get(base.get(rel)!.oid)!, blobs.get(entry!.oid)!);
          if (merged) draft.merged.push(rel);
          else draft.kept.push(await apply.writeBeside(rel, entry!, base.get(rel) ?? null, blobs, 'both-changed-binary'));
          break;
        }
        case 'keep-and-write-beside':
          draft.kept.push(await apply.writeBeside(rel, entry!, base.get(rel) ?? null, blobs, 'both-changed-notebook'));
          break;
      }
    }
    draft.renamed.push(...apply.renamed);
    draft.notebookProblems = await checkNotebooks(scratch, (rel) => apply.written.has(rel) || sameAsUpstream(work.get(rel), up.get(rel)));
    if (opts.snapshotsDir) draft.snapshot = (await takeSnapshot(opts.workTree, opts.snapshotsDir, { label: 'before-sync', now: opts.now })).id;
    await swapFolder(opts.workTree, scratch);
  } catch (err) {
    await fs.rm(scratch, { recursive: true, force: true });
    throw err;
  }
  return finish(draft, null);
}

function sameAsUpstream(work: WorkEntry | undefined, up: TreeEntry | undefined): boolean {
  return work?.kind === 'file' && up !== undefined && work.oid === up.oid;
}

/** Histories diverged: the whole old folder becomes a dated backup, and the folder a fresh copy. */
async function freshCopy(opts: CourseSyncOptions, g: GitRunOptions, upstream: string, last: string | null, head: string | null): Promise<CourseSyncResult> {
  const up = await hostTree(opts, g, upstream);
  const blobs = await readBlobs(
    g,
    [...up.values()].map((e) => e.oid),
  );
  const draft = emptyDraft('fresh-copy', upstream, last);
  const when = opts.now ?? new Date();
  await fs.mkdir(opts.backupRoot, { recursive: true });
  let n = 1;
  while (
    await fs.lstat(path.join(opts.backupRoot, backupFolderName(opts.folderName, when, n))).then(
      () => true,
      () => false,
    )
  )
    n++;
  draft.backup = backupFolderName(opts.folderName, when, n);
  const backupHostPath = path.join(opts.backupRoot, draft.backup);
  // Keep what was committed locally reachable too, in case someone wants the commits themselves.
  if (head && head !== last) await updateRef(g, `refs/classlab/backup/${draft.backup}`, head);

  const scratch = siblingName(opts.workTree, 'fresh');
  await fs.mkdir(scratch);
  try {
    const apply = new Applier(scratch, up, g);
    for (const [rel, entry] of up) await apply.write(rel, entry, blobs);
    draft.notebookProblems = await checkNotebooks(scratch, () => true);
    if (opts.snapshotsDir) draft.snapshot = (await takeSnapshot(opts.workTree, opts.snapshotsDir, { label: 'before-sync', now: opts.now })).id;
    await copyFolder(opts.workTree, backupHostPath);
    await swapFolder(opts.workTree, scratch);
  } catch (err) {
    await fs.rm(scratch, { recursive: true, force: true });
    await fs.rm(backupHostPath, { recursive: true, force: true });
    throw err;
  }
  return finish(draft, backupHostPath);
}

/** The file operations of one sync on its scratch folder, remembering names it used. */
class Applier {
  readonly renamed: { from: string; to: string }[] = [];
  readonly written = new Set<string>();
  constructor(
    private readonly root: string,
    private readonly upstream: ReadonlyMap<string, TreeEntry>,
    private readonly g: GitRunOptions,
  ) {}

  /** A name that is free on disk and that the instructor's tree does not use (nor any folder of it). */
  private async freeName(candidates: Iterable<string>, reuse?: (rel: string) => Promise<boolean>): Promise<string> {
    for (const rel of candidates) {
      if (this.upstream.has(rel) || [...this.upstream.keys()].some((p) => p.startsWith(`${rel}/`))) continue;
      const kind = await entryAt(this.root, rel);
      if (kind === 'missing') return rel;
      if (kind === 'file' && reuse && (await reuse(rel))) return rel;
    }
    throw new GitError('GIT_FAILED', 'No free name was found for a file that had to be kept aside.');
  }

  async moveAside(rel: string, isFolder: boolean): Promise<void> {
    const to = await this.freeName(yoursNames(rel, isFolder));
    await fs.rename(path.join(this.root, rel), path.join(this.root, to));
    this.renamed.push({ from: rel, to });
  }

  async write(rel: string, entry: TreeEntry, blobs: ReadonlyMap<string, Buffer>): Promise<void> {
    await writeNewFile(this.root, rel, blobs.get(entry.oid)!, entry.mode === '100755', (r, f) => this.moveAside(r, f));
    this.written.add(rel);
  }

  /** Line merge of a text file, the student's lines winning conflicts; false when either side is binary. */
  async merge(rel: string, base: Buffer, theirs: Buffer): Promise<boolean> {
    const ours = path.join(this.root, rel);
    if (isBinary(base) || isBinary(theirs) || isBinary(await fs.readFile(ours))) return false;
    const tmp = await fs.mkdtemp(path.join(this.g.support.dir, 'merge-'));
    try {
      await fs.writeFile(path.join(tmp, 'base'), base);
      await fs.writeFile(path.join(tmp, 'theirs'), theirs);
      await runGit({ ...this.g, gitDir: undefined }, ['merge-file', '--ours', '-q', '--', ours, path.join(tmp, 'base'), path.join(tmp, 'theirs')]);
      return true;
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }

  /** Writes the instructor's version beside the student's; a copy from an earlier sync that nobody changed is reused. */
  async writeBeside(rel: string, entry: TreeEntry, base: TreeEntry | null, blobs: ReadonlyMap<string, Buffer>, reason: KeptFile['reason']): Promise<KeptFile> {
    const ours = new Set([entry.oid, base?.oid]);
    const beside = await this.freeName(instructorNames(rel), async (r) => ours.has((await hashFiles(this.g, [path.join(this.root, r)]))[0]));
    await writeNewFile(this.root, beside, blobs.get(entry.oid)!, false, (r, f) => this.moveAside(r, f));
    this.written.add(beside);
    return { path: rel, instructorCopy: beside, reason };
  }
}

/** git's own test: a NUL byte in the first 8000 bytes. */
function isBinary(data: Buffer): boolean {
  return data.subarray(0, 8000).includes(0);
}

/** Every notebook in the folder that Jupyter could not open, with whose it is. */
async function checkNotebooks(root: string, fromInstructor: (rel: string) => boolean): Promise<Draft['notebookProblems']> {
  const problems: Draft['notebookProblems'] = [];
  for (const rel of await findFiles(root, isNotebookPath)) {
    const problem = notebookProblem(await fs.readFile(path.join(root, rel), 'utf8'));
    if (problem) problems.push({ path: rel, origin: fromInstructor(rel) ? 'instructor' : 'yours', problem });
  }
  return problems;
}
