// Course sync against real git remotes made here (file:// with allowLocal; no Docker). Each policy case
// of issue #6: expected files and contents, every notebook valid, the snapshot restorable, failures
// leave the folder unchanged.
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloneCourse, syncCourse, undoCourseSync, type CourseSyncOptions } from '../../electron/core/git/course-sync';
import { GitError } from '../../electron/core/git/errors';
import { prepareGitSupport } from '../../electron/core/git/git-runner';
import { notebookProblem } from '../../electron/core/git/notebook';
import { listSnapshots, restoreSnapshot } from '../../electron/core/git/snapshot';
import { git, initRemote, readTree, tempRoot, type CourseRemote } from '../support/git-remote';

const notebook = (...sources: string[]) =>
  `${JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: sources.map((s) => ({ cell_type: 'code', metadata: {}, source: s, outputs: [], execution_count: null })) }, null, 1)}\n`;

const lines = (...ls: string[]) => `${ls.join('\n')}\n`;
const TEN = ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8', 'l9', 'l10'];

let root: string;
let remote: CourseRemote;
let opts: CourseSyncOptions;
let work: string;

function expectNotebooksValid(folder: string): void {
  for (const [rel, text] of Object.entries(readTree(folder))) if (rel.endsWith('.ipynb')) expect(notebookProblem(text), rel).toBeNull();
}

beforeEach(async () => {
  root = tempRoot('sync');
  remote = initRemote(path.join(root, 'r'));
  work = path.join(root, 'lab', 'course');
  mkdirSync(work, { recursive: true });
  opts = {
    support: await prepareGitSupport(path.join(root, 'data', 'git-support')),
    gitDir: path.join(root, 'data', 'course.git'),
    workTree: work,
    url: remote.url,
    branch: 'main',
    allowLocal: true,
    backupRoot: path.join(root, 'lab'),
    folderName: 'course',
    snapshotsDir: path.join(root, 'data', 'snapshots'),
    now: new Date(2024, 4, 1, 14, 30),
  };
  remote.publish({ 'a.py': lines(...TEN), 'b.txt': 'bee\n', 'nb.ipynb': notebook('print(1)'), 'docs/readme.md': 'read me\n' }, 'first');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('course sync (real git)', () => {
  it('clones into an empty folder', async () => {
    const { report } = await cloneCourse(opts);
    expect(report.outcome).toBe('cloned');
    expect(readTree(work)).toEqual({ 'a.py': lines(...TEN), 'b.txt': 'bee\n', 'nb.ipynb': notebook('print(1)'), 'docs/readme.md': 'read me\n' });
    expect(report.added.sort()).toEqual(['a.py', 'b.txt', 'docs/readme.md', 'nb.ipynb']);
    expect(report.summary.join(' ')).toMatch(/copied into your workspace/);
    // Nothing of git's ever lands in the course folder.
    expect(existsSync(path.join(work, '.git'))).toBe(false);
    await expect(cloneCourse(opts)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('is up to date when nothing changed', async () => {
    await syncCourse(opts);
    const { report } = await syncCourse(opts);
    expect(report.outcome).toBe('up-to-date');
    expect(report.summary).toEqual(['Everything is up to date.']);
  });

  it('non-conflicting edits: both arrive', async () => {
    await syncCourse(opts);
    writeFileSync(path.join(work, 'a.py'), lines('l1', 'student edit', ...TEN.slice(2)));
    remote.publish({ 'a.py': lines(...TEN.slice(0, 9), 'instructor edit'), 'b.txt': 'bee 2\n' });
    const { report } = await syncCourse(opts);
    expect(report.outcome).toBe('synced');
    expect(readFileSync(path.join(work, 'a.py'), 'utf8')).toBe(lines('l1', 'student edit', ...TEN.slice(2, 9), 'instructor edit'));
    expect(readFileSync(path.join(work, 'b.txt'), 'utf8')).toBe('bee 2\n');
    expect(report.merged).toEqual(['a.py']);
    expect(report.updated).toEqual(['b.txt']);
  });

  it("conflicting edits: the student's lines win, the instructor's other changes still arrive", async () => {
    await syncCourse(opts);
    writeFileSync(path.join(work, 'a.py'), lines('l1', 'student line 2', ...TEN.slice(2)));
    remote.publish({ 'a.py': lines('l1', 'instructor line 2', ...TEN.slice(2, 9), 'instructor line 10') });
    const { report } = await syncCourse(opts);
    const text = readFileSync(path.join(work, 'a.py'), 'utf8');
    expect(text).toBe(lines('l1', 'student line 2', ...TEN.slice(2, 9), 'instructor line 10'));
    expect(text).not.toMatch(/<<<<<<<|>>>>>>>/);
    expect(report.merged).toEqual(['a.py']);
    expect(report.summary.join(' ')).toMatch(/yours were kept/);
  });

  it('a file the student deleted comes back', async () => {
    await syncCourse(opts);
    rmSync(path.join(work, 'b.txt'));
    rmSync(path.join(work, 'docs'), { recursive: true });
    const { report } = await syncCourse(opts);
    expect(report.restored.sort()).toEqual(['b.txt', 'docs/readme.md']);
    expect(readFileSync(path.join(work, 'b.txt'), 'utf8')).toBe('bee\n');
    expect(readFileSync(path.join(work, 'docs/readme.md'), 'utf8')).toBe('read me\n');
  });

  it("a student's untracked file in the way of a new instructor file is kept as (yours)", async () => {
    await syncCourse(opts);
    writeFileSync(path.join(work, 'data.csv'), 'mine\n');
    writeFileSync(path.join(work, 'same.txt'), 'same\n');
    remote.publish({ 'data.csv': 'theirs\n', 'same.txt': 'same\n' });
    const { report } = await syncCourse(opts);
    expect(readFileSync(path.join(work, 'data.csv'), 'utf8')).toBe('theirs\n');
    expect(readFileSync(path.join(work, 'data (yours).csv'), 'utf8')).toBe('mine\n');
    expect(report.renamed).toEqual([{ from: 'data.csv', to: 'data (yours).csv' }]);
    // An identical file is simply adopted.
    expect(readFileSync(path.join(work, 'same.txt'), 'utf8')).toBe('same\n');
    expect(report.added).toEqual([]);
  });

  it("a notebook both changed: the student's stays, the instructor's is beside it, all notebooks valid", async () => {
    await syncCourse(opts);
    writeFileSync(path.join(work, 'nb.ipynb'), notebook('print("student")'));
    remote.publish({ 'nb.ipynb': notebook('print("instructor")', 'print(2)') });
    const { report } = await syncCourse(opts);
    expect(readFileSync(path.join(work, 'nb.ipynb'), 'utf8')).toBe(notebook('print("student")'));
    expect(readFileSync(path.join(work, 'nb (instructor).ipynb'), 'utf8')).toBe(notebook('print("instructor")', 'print(2)'));
    expect(report.kept).toEqual([{ path: 'nb.ipynb', instructorCopy: 'nb (instructor).ipynb', reason: 'both-changed-notebook' }]);
    expectNotebooksValid(work);

    // A later instructor change replaces the untouched copy beside, instead of piling up copies.
    remote.publish({ 'nb.ipynb': notebook('print("instructor v3")') });
    const second = await syncCourse(opts);
    expect(second.report.kept[0]?.instructorCopy).toBe('nb (instructor).ipynb');
    expect(readFileSync(path.join(work, 'nb (instructor).ipynb'), 'utf8')).toBe(notebook('print("instructor v3")'));
    expectNotebooksValid(work);
  });

  it('an upstream force-push: the old folder becomes a dated backup and a fresh copy is made', async () => {
    await syncCourse(opts);
    writeFileSync(path.join(work, 'a.py'), 'student work\n');
    writeFileSync(path.join(work, 'mine.txt'), 'my own file\n');
    remote.rewrite({ 'new.py': 'fresh\n', 'nb.ipynb': notebook('print("v2")') });
    const { report, backupHostPath } = await syncCourse(opts);
    expect(report.outcome).toBe('fresh-copy');
    expect(report.backup).toBe('course-backup-2024-05-01-1430');
    expect(backupHostPath).toBe(path.join(root, 'lab', 'course-backup-2024-05-01-1430'));
    expect(readTree(work)).toEqual({ 'new.py': 'fresh\n', 'nb.ipynb': notebook('print("v2")') });
    expect(readTree(backupHostPath!)).toMatchObject({ 'a.py': 'student work\n', 'mine.txt': 'my own file\n', 'b.txt': 'bee\n' });
    expectNotebooksValid(work);
    // The next sync is an ordinary one again.
    remote.publish({ 'new.py': 'fresh 2\n' });
    expect((await syncCourse(opts)).report.updated).toEqual(['new.py']);
  });

  it('a local commit in the git dir (a "student commit"): backup and fresh copy', async () => {
    const { report: first } = await syncCourse(opts);
    // Something committed on top of the synced commit in ClassLab's git dir.
    const env = ['-c', 'user.name=S', '-c', 'user.email=s@example.org'];
    const tree = git(root, ['--git-dir', opts.gitDir, 'rev-parse', `${first.commit}^{tree}`]).trim();
    const local = git(root, ['--git-dir', opts.gitDir, ...env, 'commit-tree', tree, '-p', first.commit, '-m', 'student']).trim();
    git(root, ['--git-dir', opts.gitDir, 'update-ref', 'HEAD', local]);
    writeFileSync(path.join(work, 'b.txt'), 'student b\n');
    const { report, backupHostPath } = await syncCourse(opts);
    expect(report.outcome).toBe('fresh-copy');
    expect(readFileSync(path.join(backupHostPath!, 'b.txt'), 'utf8')).toBe('student b\n');
    expect(readFileSync(path.join(work, 'b.txt'), 'utf8')).toBe('bee\n');
    // The local commit stays reachable under a backup ref.
    expect(git(root, ['--git-dir', opts.gitDir, 'rev-parse', `refs/classlab/backup/${report.backup}`]).trim()).toBe(local);
  });

  it('the instructor removes files: unchanged ones go, edited ones stay', async () => {
    await syncCourse(opts);
    writeFileSync(path.join(work, 'b.txt'), 'my notes\n');
    remote.publish({ 'b.txt': null, 'docs/readme.md': null });
    const { report } = await syncCourse(opts);
    expect(report.removed).toEqual(['docs/readme.md']);
    expect(existsSync(path.join(work, 'docs'))).toBe(false);
    expect(report.kept).toEqual([{ path: 'b.txt', instructorCopy: null, reason: 'removed-by-instructor' }]);
    expect(readFileSync(path.join(work, 'b.txt'), 'utf8')).toBe('my notes\n');
  });

  it("a binary file both changed: yours kept, the instructor's beside", async () => {
    remote.publish({ 'img.bin': Buffer.from([0, 1, 2, 3]) });
    await syncCourse(opts);
    writeFileSync(path.join(work, 'img.bin'), Buffer.from([0, 9, 9]));
    remote.publish({ 'img.bin': Buffer.from([0, 7, 7]) });
    const { report } = await syncCourse(opts);
    expect(report.kept).toEqual([{ path: 'img.bin', instructorCopy: 'img (instructor).bin', reason: 'both-changed-binary' }]);
    expect([...readFileSync(path.join(work, 'img.bin'))]).toEqual([0, 9, 9]);
    expect([...readFileSync(path.join(work, 'img (instructor).bin'))]).toEqual([0, 7, 7]);
  });

  it('a student folder where the instructor adds a file is moved aside', async () => {
    await syncCourse(opts);
    mkdirSync(path.join(work, 'results'));
    writeFileSync(path.join(work, 'results', 'r.txt'), 'mine\n');
    remote.publish({ results: 'now a file\n' });
    const { report } = await syncCourse(opts);
    expect(report.renamed).toEqual([{ from: 'results', to: 'results (yours)' }]);
    expect(readFileSync(path.join(work, 'results'), 'utf8')).toBe('now a file\n');
    expect(readFileSync(path.join(work, 'results (yours)', 'r.txt'), 'utf8')).toBe('mine\n');
  });

  it('takes a snapshot before each sync that restores the folder as it was', async () => {
    await syncCourse(opts);
    writeFileSync(path.join(work, 'a.py'), lines('l1', 'student', ...TEN.slice(2)));
    writeFileSync(path.join(work, 'mine.txt'), 'mine\n');
    const before = readTree(work);
    remote.publish({ 'a.py': lines(...TEN.slice(0, 9), 'x'), 'c.txt': 'sea\n' });
    const { report } = await syncCourse({ ...opts, now: new Date(2024, 4, 2) });
    expect(report.snapshot).not.toBeNull();
    const snaps = await listSnapshots(opts.snapshotsDir!);
    expect(snaps[0]?.id).toBe(report.snapshot);
    const restored = path.join(root, 'restored');
    await restoreSnapshot(opts.snapshotsDir!, report.snapshot!, restored);
    expect(readTree(restored)).toEqual(before);
  });

  it('network failure, wrong repository, missing branch: a clear code and the folder unchanged', async () => {
    await syncCourse(opts);
    writeFileSync(path.join(work, 'a.py'), 'student\n');
    remote.publish({ 'b.txt': 'changed\n' });
    const before = readTree(work);
    const attempts: [Partial<CourseSyncOptions>, string][] = [
      [{ url: `file://${path.join(root, 'nowhere.git')}` }, 'GIT_REPO_NOT_FOUND'],
      [{ branch: 'no-such-branch' }, 'GIT_BRANCH_MISSING'],
      [{ url: 'https://127.0.0.1:9/course.git', deadlineMs: 20_000 }, 'GIT_NETWORK'],
      [{ url: 'ext::sh -c touch% /tmp/pwned' }, 'GIT_URL_REFUSED'],
      [{ url: '--upload-pack=touch /tmp/pwned' }, 'GIT_URL_REFUSED'],
      [{ allowLocal: false }, 'GIT_URL_REFUSED'],
    ];
    for (const [change, code] of attempts) {
      const err = await syncCourse({ ...opts, ...change }).catch((e: unknown) => e);
      expect(err, JSON.stringify(change)).toBeInstanceOf(GitError);
      expect((err as GitError).code, JSON.stringify(change)).toBe(code);
      expect(readTree(work)).toEqual(before);
    }
    // And the next good sync works from where it was.
    expect((await syncCourse(opts)).report.updated).toEqual(['b.txt']);
  });

  it('recovers stale locks and half-finished operations left by a crash', async () => {
    await syncCourse(opts);
    for (const f of ['index.lock', 'HEAD.lock', 'config.lock', 'packed-refs.lock', 'MERGE_HEAD', 'CHERRY_PICK_HEAD', 'classlab.lock'])
      writeFileSync(path.join(opts.gitDir, f), '');
    mkdirSync(path.join(opts.gitDir, 'refs', 'classlab'), { recursive: true });
    writeFileSync(path.join(opts.gitDir, 'refs', 'classlab', 'upstream.lock'), '');
    mkdirSync(path.join(opts.gitDir, 'rebase-merge'));
    writeFileSync(path.join(opts.gitDir, 'rebase-merge', 'head-name'), 'refs/heads/course\n');
    // A lock from a process that is gone.
    writeFileSync(path.join(opts.gitDir, 'classlab.lock'), JSON.stringify({ pid: 2 ** 22 + 7, host: 'x' }));
    remote.publish({ 'b.txt': 'after crash\n' });
    const { report } = await syncCourse(opts);
    expect(report.updated).toEqual(['b.txt']);
    for (const f of ['index.lock', 'HEAD.lock', 'MERGE_HEAD', 'rebase-merge', 'classlab.lock', 'refs/classlab/upstream.lock'])
      expect(existsSync(path.join(opts.gitDir, f)), f).toBe(false);
  });

  it('refuses a second sync of the same folder at the same time', async () => {
    await syncCourse(opts);
    const results = await Promise.allSettled([syncCourse(opts), syncCourse(opts)]);
    expect(results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as GitError).code)).toEqual(['BUSY']);
  });

  it('undo puts the git dir back, so a failed write-back does not turn old files into "student edits"', async () => {
    const first = await syncCourse(opts);
    const before = readTree(work);
    remote.publish({ 'b.txt': 'new\n' });
    const { report } = await syncCourse(opts);
    expect(report.previousCommit).toBe(first.report.commit);
    // The caller could not write the result back into the lab: the lab still has the old files.
    rmSync(work, { recursive: true });
    mkdirSync(work);
    for (const [rel, text] of Object.entries(before)) {
      mkdirSync(path.dirname(path.join(work, rel)), { recursive: true });
      writeFileSync(path.join(work, rel), text);
    }
    await undoCourseSync(opts, report.previousCommit);
    expect((await syncCourse(opts)).report.updated).toEqual(['b.txt']);
  });
});
