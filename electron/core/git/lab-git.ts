// Git for the labs: the glue between the host-side git code (course-sync.ts, workspace-repo.ts,
// snapshot.ts) and a lab's workspace, which the host reaches only through Docker. Every operation copies
// the folder OUT of the lab into a fresh host folder (files/folder-sync.ts), runs git on that copy, and —
// for a sync or a restore — writes the result BACK into the lab. The write-back replaces the folder only if
// nobody changed it meanwhile; if it fails, the git dir is put back (undoCourseSync) and the lab's folder
// is as it was.
//
// On disk, per lab, in ClassLab's data folder:
//   git/<lab>/course.git       the course folder's git dir (objects and refs only; no work tree)
//   git/<lab>/snapshots/       a tar of the course folder before every sync that changes it
//   git/<lab>/repos/<hash>.git a workspace folder's own repository (and <hash>.json: its folder and remote)
//   git/<lab>/state.json       the last sync's report and the last failure, for the sync panel
//   git/<lab>/tmp/             host copies while an operation runs (removed after it)
//   labs/courses/<lab>.bundle  the course bundle an installed lab pack brought (course-bundle.ts): the
//                              first copy fetches from it when it passes checkBundle, else from the address
// One operation per lab at a time; a second one is refused with BUSY (a sync started on open included).
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ApiError, CourseStatus, CourseSyncResult, GitAuthor, GitProgress, RepoStatus, SnapshotInfo } from '../../api/contract';
import { LabError, toApiError } from '../../api/errors';
import { exportFolder, removeFolder, writeFolder, type LeftOut } from '../files/folder-sync';
import type { ScriptTarget } from '../files/workspace-script';
import type { CourseSettings } from '../profiles/course';
import { isTrustedLocalAddress, type TrustSource } from '../trust/machine-trust';
import type { Profile } from '../profiles/schema';
import { writeFileAtomic } from '../secrets/secret-store';
import type { Logger } from '../log';
import { bundleCourse, checkBundle, CourseBundleError, courseBundlePath } from './course-bundle';
import { isFirstCopy, syncCourse, undoCourseSync, type CourseSyncOptions, type CourseSyncResult as CopyResult } from './course-sync';
import type { GitCredentialStore } from './credentials';
import { GitError } from './errors';
import { gitPathHit } from './git-names';
import { prepareGitSupport, type GitSupport } from './git-runner';
import { checkTargetFolder, displayUrl, parseRemoteUrl } from './remote-url';
import { listSnapshots, pruneSnapshots, restoreSnapshot } from './snapshot';
import { restoredFolderName } from './sync-names';
import { describeSync } from './sync-report';
import { commitWorkspace, pushWorkspace, workspaceStatus, type WorkspaceRepoOptions } from './workspace-repo';

/** Snapshots kept per lab (the oldest go first). */
const KEEP_SNAPSHOTS = 20;
const REPO_BRANCH = 'main';
const DEFAULT_AUTHOR = { name: 'ClassLab user', email: 'student@classlab.invalid' };

export interface LabGitOptions {
  dataDir: string;
  credentials: GitCredentialStore;
  log: Logger;
  profile(labId: string): Profile;
  /** Where the lab's files can be reached now (the running lab); throws when it cannot. */
  target(labId: string): ScriptTarget;
  emit(progress: GitProgress): void;
  /** This machine's trust, read live: a local course or push address works only when it lists it. */
  trust: TrustSource;
}

type PackCopy = NonNullable<CourseStatus['packCopy']>;

interface LabState {
  lastSync: CourseSyncResult | null;
  lastError: (ApiError & { at: number }) | null;
  /** What became of the lab pack's course bundle at the first copy (used or refused); null before. */
  packCopy: (PackCopy & { state: 'used' | 'refused' }) | null;
}

const NO_STATE: LabState = { lastSync: null, lastError: null, packCopy: null };

interface RepoMeta {
  folder: string;
  remoteUrl: string | null;
}

export class LabGit {
  private support: Promise<GitSupport> | null = null;
  private readonly running = new Map<string, string>();
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly opts: LabGitOptions) {}

  // ---- course -----------------------------------------------------------------------------------

  async courseStatus(labId: string): Promise<CourseStatus> {
    const course = this.opts.profile(labId).course ?? null;
    const state = await this.readState(labId);
    return {
      labId,
      course: course && {
        url: displayUrl(course.url),
        branch: course.branch,
        folder: course.folder,
        syncOnOpen: course.syncOnOpen,
        hasCredentials: await this.opts.credentials.has(course.url),
      },
      syncing: this.running.get(labId) === 'sync',
      lastSync: state.lastSync,
      lastError: state.lastError,
      snapshots: await listSnapshots(this.dirs(labId).snapshots),
      packCopy: course ? await this.packCopy(labId, state) : null,
    };
  }

  /** What the lab pack's course bundle did (used, refused), or "waiting" while one is installed and no first copy was made. */
  private async packCopy(labId: string, state: LabState): Promise<PackCopy | null> {
    if (state.packCopy) return state.packCopy;
    if (state.lastSync !== null || !(await isFile(courseBundlePath(this.opts.dataDir, labId)))) return null;
    return { state: 'waiting', commit: null, problem: null, at: null };
  }

  /**
   * Writes a bundle of the lab's course branch for a lab pack (course-bundle.ts bundleCourse), with the
   * lab's saved credentials and this machine's trust, as a sync would fetch it.
   */
  async exportCourseBundle(labId: string, outFile: string, signal?: AbortSignal): Promise<{ commit: string; bytes: number }> {
    const course = this.courseOf(labId);
    const credentials = await this.opts.credentials.get(course.url);
    return bundleCourse({
      url: course.url,
      branch: course.branch,
      ...(credentials ? { credentials } : {}),
      trust: this.opts.trust(),
      outFile,
      ...(signal ? { signal: AbortSignal.any([signal, this.abort.signal]) } : { signal: this.abort.signal }),
      log: this.opts.log,
    });
  }

  async snapshots(labId: string): Promise<SnapshotInfo[]> {
    this.opts.profile(labId);
    return listSnapshots(this.dirs(labId).snapshots);
  }

  /** A lab became ready: copy the course in on its first open, and sync when the profile asks; never blocks or throws. */
  afterOpen(labId: string): void {
    const course = this.opts.profile(labId).course;
    if (!course) return;
    void (async () => {
      const synced = (await this.readState(labId)).lastSync !== null;
      if (synced && !course.syncOnOpen) return;
      if (this.running.has(labId)) return;
      await this.sync(labId, true);
    })().catch((err: unknown) => this.opts.log.warn('git: sync on open failed', { lab: labId, error: toApiError(err).message }));
  }

  /** Copies the course into the lab (first time) or brings the instructor's new commits in. */
  async sync(labId: string, background = false): Promise<CourseSyncResult> {
    const course = this.courseOf(labId);
    return this.exclusive(labId, 'sync', async (signal) => {
      const emit = (stage: GitProgress['stage'], result: CourseSyncResult | null = null, error: ApiError | null = null) =>
        this.opts.emit({ labId, stage, background, result, error });
      try {
        const result = await this.syncSteps(labId, course, signal, (stage) => emit(stage));
        await this.writeState(labId, { ...(await this.readState(labId)), lastSync: result, lastError: null });
        emit('done', result);
        return result;
      } catch (err) {
        const error = toApiError(this.asLabError(labId, err));
        await this.writeState(labId, { ...(await this.readState(labId)), lastError: { ...error, at: Date.now() } }).catch(() => undefined);
        emit('failed', null, error);
        throw this.asLabError(labId, err);
      }
    });
  }

  private async syncSteps(labId: string, course: CourseSettings, signal: AbortSignal, stage: (s: GitProgress['stage']) => void): Promise<CourseSyncResult> {
    const t = this.opts.target(labId);
    const dirs = this.dirs(labId);
    const support = await this.gitSupport();
    return this.withScratch(labId, async (work) => {
      stage('copying-out');
      const host = path.join(work, 'course');
      const { state, leftOut } = await exportFolder(t, course.folder, host, signal, gitPathHit);
      // The write-back replaces the folder with the host copy, which never holds a lab's .git: a sync would lose it.
      if (leftOut.length)
        throw new LabError(
          'REFUSED',
          `The course folder holds ${describeLeftOut(leftOut)}. ClassLab never copies a lab's own repository out of the lab (its settings could run programs on this computer), and a sync would lose it. Move it out of ${course.folder} (or delete it), then sync again.`,
        );
      stage('fetching');
      const credentials = await this.opts.credentials.get(course.url);
      const sync: CourseSyncOptions = {
        support,
        gitDir: dirs.courseGit,
        workTree: host,
        url: course.url,
        branch: course.branch,
        allowLocal: this.trusted(course.url),
        ...(credentials ? { credentials } : {}),
        backupRoot: path.join(work, 'backup'),
        folderName: path.posix.basename(course.folder),
        // Nothing to go back to when the folder was not there (a first copy).
        ...(state === 'missing' ? {} : { snapshotsDir: dirs.snapshots }),
        signal,
        logger: this.opts.log,
      };
      const pack = await this.copyFromPack(labId, course, sync, work, signal);
      const fromPack = pack !== null && 'copied' in pack;
      const { report, backupHostPath } = pack && 'copied' in pack ? pack.copied : await syncCourse(sync);
      let backupPath: string | null = null;
      if (report.outcome !== 'up-to-date') {
        stage('writing-back');
        try {
          if (backupHostPath && report.backup) backupPath = await writeFolder(t, backupHostPath, sibling(course.folder, report.backup), 'new', signal);
          await writeFolder(t, host, course.folder, { replace: state }, signal);
        } catch (err) {
          // The lab's folder is as it was: so must the git dir be, or the next sync takes the old files for the student's edits.
          await undoCourseSync({ support, gitDir: dirs.courseGit }, report.previousCommit);
          if (backupPath)
            await removeFolder(t, backupPath).catch((e: Error) => this.opts.log.warn('git: backup folder not removed', { lab: labId, error: e.message }));
          throw err;
        }
      }
      await pruneSnapshots(dirs.snapshots, KEEP_SNAPSHOTS);
      const backup = backupPath ? path.posix.basename(backupPath) : report.backup;
      let final = backup === report.backup ? report : { ...report, backup, summary: describeSync({ ...report, backup }) };
      if (fromPack) {
        await this.updateState(labId, { packCopy: { state: 'used', commit: report.commit, problem: null, at: Date.now() } });
        final = { ...final, summary: [...final.summary, FROM_PACK] };
      } else if (pack && 'refused' in pack && report.outcome === 'cloned') {
        final = { ...final, summary: [...final.summary, `${pack.refused} ${FROM_ADDRESS}`] };
      }
      this.opts.log.info('git: course folder written back', { lab: labId, outcome: report.outcome, folder: course.folder, fromPack });
      return { labId, at: Date.now(), backupPath, report: final };
    });
  }

  /**
   * The first copy from the lab pack's course bundle, when this is a first copy and a pack installed one:
   * what syncCourse made of it, or why it was refused (logged and remembered for the status; the caller
   * then copies from the address). Null when there is no bundle or the folder was copied before.
   */
  private async copyFromPack(
    labId: string,
    course: CourseSettings,
    sync: CourseSyncOptions,
    work: string,
    signal: AbortSignal,
  ): Promise<{ copied: CopyResult } | { refused: string } | null> {
    const file = courseBundlePath(this.opts.dataDir, labId);
    if (!(await isFile(file)) || !(await isFirstCopy(sync))) return null;
    try {
      const { commit } = await checkBundle(file, course.branch, { signal, scratchDir: work });
      return { copied: await syncCourse({ ...sync, bundle: { file, commit } }) };
    } catch (err) {
      if (!(err instanceof CourseBundleError)) throw err;
      this.opts.log.warn("git: the lab pack's course copy was refused; copying from the course address", {
        lab: labId,
        reason: err.message,
        ...(err.detail ? { detail: err.detail } : {}),
      });
      await this.updateState(labId, { packCopy: { state: 'refused', commit: null, problem: err.message, at: Date.now() } });
      return { refused: err.message };
    }
  }

  /** Restores a snapshot as a new folder beside the course folder (the course folder itself is not touched). */
  async restoreSnapshot(labId: string, snapshotId: string): Promise<string> {
    const course = this.courseOf(labId);
    return this.exclusive(labId, 'restore', async (signal) => {
      const t = this.opts.target(labId);
      const snapshot = (await listSnapshots(this.dirs(labId).snapshots)).find((s) => s.id === snapshotId);
      if (!snapshot) throw new LabError('NOT_FOUND', 'That snapshot no longer exists.');
      return this.withScratch(labId, async (work) => {
        const host = path.join(work, 'restored');
        await restoreSnapshot(this.dirs(labId).snapshots, snapshotId, host);
        const name = restoredFolderName(course.folder, new Date(snapshot.createdAt));
        return writeFolder(t, host, sibling(course.folder, name), 'new', signal);
      });
    });
  }

  // ---- a workspace folder's own remote ----------------------------------------------------------------

  async repoStatus(labId: string, folder: string): Promise<RepoStatus> {
    const rel = repoFolder(folder);
    return this.onRepo(labId, rel, true, async (repo, meta, leftOut) => {
      const status = await workspaceStatus(repo);
      return {
        ...status,
        folder: rel,
        remoteUrl: meta.remoteUrl,
        hasCredentials: meta.remoteUrl ? await this.opts.credentials.has(meta.remoteUrl) : false,
        skipped: leftOut,
      };
    });
  }

  async commit(labId: string, folder: string, message: string, author: GitAuthor | null): Promise<{ commit: string | null; files: number }> {
    const rel = repoFolder(folder);
    const who = author && author.name.trim() && author.email.trim() ? { name: author.name.trim(), email: author.email.trim() } : DEFAULT_AUTHOR;
    return this.onRepo(labId, rel, true, (repo) => commitWorkspace(repo, message, who));
  }

  async push(labId: string, folder: string, remoteUrl: string): Promise<{ commit: string }> {
    const rel = repoFolder(folder);
    const allowLocal = this.trusted(remoteUrl);
    return this.onRepo(labId, rel, false, async (repo, meta) => {
      const remote = parseRemoteUrl(remoteUrl, { allowLocal });
      // A token written into the address goes to the secret store; the address is kept without it.
      if (remote.token !== undefined) await this.opts.credentials.set(remote.url, remote.username ?? '', remote.token);
      const credentials = await this.opts.credentials.get(remote.url);
      const pushed = await pushWorkspace(repo, { url: remote.url, allowLocal, ...(credentials ? { credentials } : {}) });
      await this.writeMeta(labId, rel, { ...meta, remoteUrl: remote.url });
      return pushed;
    });
  }

  /** Runs `fn` on a workspace folder's repository, with a host copy of the folder as its work tree (or an empty one). */
  private onRepo<T>(
    labId: string,
    rel: string,
    copyOut: boolean,
    fn: (repo: WorkspaceRepoOptions, meta: RepoMeta, leftOut: LeftOut[]) => Promise<T>,
  ): Promise<T> {
    this.opts.profile(labId);
    return this.exclusive(labId, 'repo', async (signal) => {
      const t = copyOut ? this.opts.target(labId) : null;
      const support = await this.gitSupport();
      return this.withScratch(labId, async (work) => {
        const workTree = path.join(work, 'folder');
        let leftOut: LeftOut[] = [];
        if (t) {
          // Anything git would take as a repository stays in the lab: the copy git works on never holds one.
          const exported = await exportFolder(t, rel, workTree, signal, gitPathHit);
          if (exported.state === 'missing') throw new LabError('NOT_FOUND', `There is no folder ${rel} in the workspace.`);
          leftOut = exported.leftOut;
          if (leftOut.length) this.opts.log.warn('git: left out of the host copy', { lab: labId, folder: rel, paths: leftOut.map((l) => l.path) });
        } else await fs.mkdir(workTree);
        const meta = await this.readMeta(labId, rel);
        return fn({ support, gitDir: this.repoGitDir(labId, rel), workTree, branch: REPO_BRANCH, signal }, meta, leftOut);
      });
    });
  }

  // ---- bookkeeping ------------------------------------------------------------------------------------

  /** Stops running operations and waits for them (their scratch folders are removed). */
  async close(): Promise<void> {
    this.abort.abort(new LabError('CANCELLED', 'ClassLab is closing.'));
    await Promise.allSettled([...this.inFlight]);
  }

  /** True when this machine trusts `url` as a local address (file://, a folder, http:// on this PC or its network). */
  private trusted(url: string): boolean {
    return isTrustedLocalAddress(url, this.opts.trust());
  }

  private courseOf(labId: string): CourseSettings {
    const course = this.opts.profile(labId).course;
    if (!course) throw new LabError('BAD_REQUEST', 'This lab has no course repository.');
    return course;
  }

  private exclusive<T>(labId: string, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const current = this.running.get(labId);
    if (current)
      return Promise.reject(
        new LabError(
          'BUSY',
          current === 'sync' ? 'The course is being synced; wait until that is done.' : 'Another git operation on this lab is running; wait until it is done.',
        ),
      );
    this.running.set(labId, what);
    const promise = fn(this.abort.signal)
      .catch((err: unknown) => {
        throw this.asLabError(labId, err);
      })
      .finally(() => {
        this.running.delete(labId);
        this.inFlight.delete(promise);
      });
    this.inFlight.add(promise);
    return promise;
  }

  private asLabError(labId: string, err: unknown): LabError {
    if (err instanceof LabError) return err;
    if (err instanceof GitError) {
      if (err.detail) this.opts.log.warn('git failed', { lab: labId, code: err.code, detail: err.detail });
      return new LabError(err.code, err.message);
    }
    this.opts.log.error('git operation failed', { lab: labId, error: (err as Error).message });
    return new LabError('INTERNAL', (err as Error).message);
  }

  private async withScratch<T>(labId: string, fn: (dir: string) => Promise<T>): Promise<T> {
    const tmp = this.dirs(labId).tmp;
    await fs.mkdir(tmp, { recursive: true, mode: 0o700 });
    const work = await fs.mkdtemp(path.join(tmp, 'op-'));
    try {
      return await fn(work);
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  }

  private gitSupport(): Promise<GitSupport> {
    this.support ??= prepareGitSupport(path.join(this.opts.dataDir, 'git', 'support')).catch((err: unknown) => {
      this.support = null;
      throw err;
    });
    return this.support;
  }

  private dirs(labId: string) {
    const root = path.join(this.opts.dataDir, 'git', labId);
    return {
      root,
      courseGit: path.join(root, 'course.git'),
      snapshots: path.join(root, 'snapshots'),
      repos: path.join(root, 'repos'),
      state: path.join(root, 'state.json'),
      tmp: path.join(root, 'tmp'),
    };
  }

  private repoGitDir(labId: string, rel: string): string {
    return path.join(this.dirs(labId).repos, `${folderHash(rel)}.git`);
  }

  private async readState(labId: string): Promise<LabState> {
    const text = await fs.readFile(this.dirs(labId).state, 'utf8').catch(() => null);
    if (!text) return NO_STATE;
    try {
      const parsed = JSON.parse(text) as Partial<LabState>;
      return { lastSync: parsed.lastSync ?? null, lastError: parsed.lastError ?? null, packCopy: parsed.packCopy ?? null };
    } catch {
      return NO_STATE;
    }
  }

  private async updateState(labId: string, patch: Partial<LabState>): Promise<void> {
    await this.writeState(labId, { ...(await this.readState(labId)), ...patch });
  }

  private writeState(labId: string, state: LabState): Promise<void> {
    return writeFileAtomic(this.dirs(labId).state, Buffer.from(JSON.stringify(state)), 0o600);
  }

  private async readMeta(labId: string, rel: string): Promise<RepoMeta> {
    const file = path.join(this.dirs(labId).repos, `${folderHash(rel)}.json`);
    const parsed = JSON.parse((await fs.readFile(file, 'utf8').catch(() => null)) ?? 'null') as RepoMeta | null;
    return { folder: rel, remoteUrl: typeof parsed?.remoteUrl === 'string' ? parsed.remoteUrl : null };
  }

  private writeMeta(labId: string, rel: string, meta: RepoMeta): Promise<void> {
    return writeFileAtomic(path.join(this.dirs(labId).repos, `${folderHash(rel)}.json`), Buffer.from(JSON.stringify(meta)), 0o600);
  }
}

/** A workspace folder a repository may be made of: not the workspace root, not ClassLab's own folder. */
function repoFolder(folder: string): string {
  try {
    const rel = checkTargetFolder(folder);
    if (rel === '.classlab' || rel.startsWith('.classlab/')) throw new LabError('PATH_INVALID', '".classlab" is ClassLab\'s own folder.');
    return rel;
  } catch (err) {
    if (err instanceof GitError) throw new LabError('PATH_INVALID', err.message);
    throw err;
  }
}

/** "proj/.git" or "3 items (proj/.git, …)", for a message. */
function describeLeftOut(items: LeftOut[]): string {
  const names = items
    .slice(0, 5)
    .map((i) => i.path)
    .join(', ');
  const more = items.length > 5 ? `, and ${items.length - 5} more` : '';
  return items.length === 1 ? `a git repository of its own (${names})` : `${items.length} git repositories of its own (${names}${more})`;
}

const FROM_PACK = "They came from the lab pack's copy of the course, so no network was needed; later syncs use the course's address.";
const FROM_ADDRESS = "The course materials were copied from the course's address instead.";

async function isFile(file: string): Promise<boolean> {
  return (await fs.lstat(file).catch(() => null))?.isFile() ?? false;
}

function sibling(folder: string, name: string): string {
  const parent = path.posix.dirname(folder);
  return parent === '.' ? name : `${parent}/${name}`;
}

function folderHash(rel: string): string {
  return createHash('sha256').update(rel).digest('hex').slice(0, 16);
}
