// Git sync of a real lab's course folder (issue #6): the course repo is a bare repository made here (file://,
// trusted by this test machine's `trust.localAddresses`, never by the profile), the lab is a real container. Open copies the course in; the student edits
// in the lab (as 1000:1000) while the instructor pushes; Sync brings both together; a notebook both
// changed stays valid JSON with the instructor's copy beside it; the snapshot restores as a new folder; a
// failing sync leaves the lab's folder as it was; a workspace folder commits and pushes over http with a
// token that never reaches a log.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorOf } from '../../electron/api/client';
import type { GitProgress } from '../../electron/api/contract';
import { exportFolder, writeFolder } from '../../electron/core/files/folder-sync';
import { labNames } from '../../electron/core/labs/naming';
import { Profile } from '../../electron/core/profiles/schema';
import { docker, ensureImages, execIn, removeNamespace, testCatalog, testCore, testSettings, uniqueNamespace } from '../support/docker';
import { git, initRemote, startGitHttpServer, tempRoot, type CourseRemote, type GitHttpServer } from '../support/git-remote';
import { codeOf, pythonCourseLab } from '../support/fixtures';

const ns = uniqueNamespace('clgit');
const names = labNames(ns, 'python');
const WS = '/home/student/work';
const USER = '1000:1000';
const TOKEN = 'ghp_TestToken1234567890abcdefSECRET';
const lines = (...ls: string[]) => `${ls.join('\n')}\n`;
const notebook = (...sources: string[]) =>
  `${JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: sources.map((s) => ({ cell_type: 'code', metadata: {}, source: s, outputs: [], execution_count: null })) }, null, 1)}\n`;

let core: Awaited<ReturnType<typeof testCore>>;
let root: string;
let remote: CourseRemote;
let http: GitHttpServer;
const progress: GitProgress[] = [];

const svc = () => core.service;
const sh = (script: string) => execIn(names.container, ['sh', '-c', script], USER);
const cat = async (rel: string) => (await execIn(names.container, ['cat', `${WS}/${rel}`], USER)).out;
/** Every entry of a workspace folder with its size and content hash, to see that nothing changed. */
const fingerprint = async (rel: string) => (await sh(`cd ${WS}/${rel} && find . -type f -exec sha256sum {} + | sort`)).out;

beforeAll(async () => {
  root = tempRoot('gitlab');
  remote = initRemote(path.join(root, 'course'));
  remote.publish(
    { 'lesson.py': lines('# lesson 1', 'a = 1', 'b = 2', 'c = 3', 'd = 4', 'e = 5'), 'nb.ipynb': notebook('print(1)'), 'docs/README.md': 'read me\n' },
    'first',
  );
  const projects = path.join(root, 'http');
  mkdirSync(projects);
  git(projects, ['init', '-q', '--bare', '--initial-branch=main', 'mine.git']);
  http = await startGitHttpServer(projects, 'student', TOKEN);
  const catalogDir = testCatalog([pythonCourseLab(remote.url)]);
  // This machine trusts the two local addresses (classlab trust local add …): the course and the push remote.
  core = await testCore(ns, { catalogDir, settings: testSettings({ localAddresses: [remote.url, http.url('mine.git')] }) });
  core.subscribe('git:progress', (p) => progress.push(p));
  await ensureImages(core);
});

afterAll(async () => {
  await http?.close();
  await core?.service['labs:stop']('python').catch(() => undefined);
  await core?.close();
  await removeNamespace(ns);
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('git sync of a lab', () => {
  it('copies the course into the workspace on the first open, in the background', async () => {
    expect((await svc()['git:courseStatus']('python')).course).toMatchObject({ url: remote.url, branch: 'main', folder: 'course', syncOnOpen: false });
    await svc()['labs:open']('python');
    await expect.poll(() => progress.find((p) => p.stage === 'done' || p.stage === 'failed')?.stage, { timeout: 60_000 }).toBe('done');
    const done = progress.find((p) => p.stage === 'done')!;
    expect(done.background).toBe(true);
    expect(done.result?.report.outcome).toBe('cloned');
    expect(progress.map((p) => p.stage)).toEqual(['copying-out', 'fetching', 'writing-back', 'done']);
    expect(await cat('course/lesson.py')).toContain('# lesson 1');
    expect(await cat('course/docs/README.md')).toBe('read me');
    // Owned by the lab user, no .git in the lab, nothing left in the staging folder.
    expect((await sh(`stat -c %u:%g ${WS}/course ${WS}/course/lesson.py | sort -u`)).out).toBe('1000:1000');
    expect((await sh(`ls -A ${WS}/course`)).out.split('\n').sort()).toEqual(['docs', 'lesson.py', 'nb.ipynb']);
    expect((await sh(`ls -A ${WS}/.classlab/incoming 2>/dev/null || true`)).out).toBe('');
    const status = await svc()['git:courseStatus']('python');
    expect(status.lastSync?.report.outcome).toBe('cloned');
    expect(status.syncing).toBe(false);
  });

  it('brings the instructor’s change in and keeps the student’s edits; a notebook both changed stays valid', async () => {
    // The student edits in the lab: the last line of lesson.py, the notebook, and a file of their own.
    expect((await sh(`cd ${WS}/course && sed -i 's/^e = 5$/e = 50  # mine/' lesson.py && printf 'notes\\n' > mine.txt`)).code).toBe(0);
    expect(
      (
        await sh(
          `cd ${WS}/course && python3 -c "import json;n=json.load(open('nb.ipynb'));n['cells'][0]['source']='print(\\"student\\")';json.dump(n,open('nb.ipynb','w'))"`,
        )
      ).code,
    ).toBe(0);
    // The instructor changes the first line, the notebook, and adds a file.
    remote.publish(
      { 'lesson.py': lines('# lesson 1 (updated)', 'a = 1', 'b = 2', 'c = 3', 'd = 4', 'e = 5'), 'nb.ipynb': notebook('print(2)'), 'extra.md': 'new\n' },
      'second',
    );

    const result = await svc()['git:sync']('python');
    expect(result.report.outcome).toBe('synced');
    expect(result.report.added).toEqual(['extra.md']);
    expect(result.report.merged).toEqual(['lesson.py']);
    expect(result.report.kept).toEqual([{ path: 'nb.ipynb', instructorCopy: 'nb (instructor).ipynb', reason: 'both-changed-notebook' }]);
    expect(result.report.summary.join(' ')).toMatch(/nb \(instructor\)\.ipynb/);
    expect(result.report.snapshot).not.toBeNull();

    expect(await cat('course/lesson.py')).toBe(lines('# lesson 1 (updated)', 'a = 1', 'b = 2', 'c = 3', 'd = 4', 'e = 50  # mine').trimEnd());
    expect(await cat('course/mine.txt')).toBe('notes');
    expect(await cat('course/extra.md')).toBe('new');
    expect(await cat('course/nb.ipynb')).toContain('student');
    expect(await cat('course/nb (instructor).ipynb')).toContain('print(2)');
    // Every notebook in the course folder is one Jupyter can open.
    const check = await sh(`cd ${WS}/course && for f in *.ipynb; do python3 -c "import json,sys;json.load(open(sys.argv[1]))" "$f" || echo "BAD $f"; done`);
    expect(check.out).not.toContain('BAD');
    expect((await svc()['git:snapshots']('python')).map((s) => s.id)).toContain(result.report.snapshot);
  });

  it('restores a snapshot as a new folder beside the course folder, the course folder untouched', async () => {
    const before = await fingerprint('course');
    const [snapshot] = await svc()['git:snapshots']('python');
    const restored = await svc()['git:restoreSnapshot']('python', snapshot!.id);
    expect(restored).toMatch(/^course-restored-\d{4}-\d{2}-\d{2}-\d{4}$/);
    // The state before the sync: the student's edit, not yet the instructor's change.
    expect(await cat(`${restored}/lesson.py`)).toContain('# lesson 1\n');
    expect(await cat(`${restored}/lesson.py`)).toContain('e = 50  # mine');
    expect(await fingerprint('course')).toBe(before);
    // A second restore of the same snapshot does not overwrite the first.
    expect(await svc()['git:restoreSnapshot']('python', snapshot!.id)).toBe(`${restored} (2)`);
  });

  it('a failing sync says why and leaves the lab’s folder as it was', async () => {
    remote.publish({ 'extra.md': 'changed again\n' }, 'third');
    const before = await fingerprint('course');
    const moved = `${remote.bare}.away`;
    renameSync(remote.bare, moved);
    try {
      expect(await codeOf(svc()['git:sync']('python'))).toBe('GIT_REPO_NOT_FOUND');
    } finally {
      renameSync(moved, remote.bare);
    }
    expect(await fingerprint('course')).toBe(before);
    const status = await svc()['git:courseStatus']('python');
    expect(status.lastError?.code).toBe('GIT_REPO_NOT_FOUND');
    expect(progress.at(-1)).toMatchObject({ stage: 'failed', background: false, error: { code: 'GIT_REPO_NOT_FOUND' } });
    // It works again once the repository is back, and the failure is forgotten.
    expect((await svc()['git:sync']('python')).report.updated).toEqual(['extra.md']);
    expect((await svc()['git:courseStatus']('python')).lastError).toBeNull();
  });

  it('a write-back that fails leaves the folder and the git dir as they were, so the next sync still merges', async () => {
    await sh(`sed -i 's/^d = 4$/d = 40  # mine too/' ${WS}/course/lesson.py`);
    remote.publish({ 'lesson.py': lines('# lesson 1 (updated again)', 'a = 1', 'b = 2', 'c = 3', 'd = 4', 'e = 5') }, 'fourth');
    const before = await fingerprint('course');
    // The workspace root made read-only by the student: the old folder cannot be moved aside.
    expect((await sh(`chmod a-w ${WS}`)).code).toBe(0);
    try {
      const err = await svc()
        ['git:sync']('python')
        .catch((e: unknown) => apiErrorOf(e));
      expect(err).toMatchObject({ message: expect.stringMatching(/Could not move the old course aside; nothing was changed/) });
    } finally {
      await sh(`chmod u+w ${WS}`);
    }
    expect(await fingerprint('course')).toBe(before);
    // Had the git dir kept the new commit, this sync would take the old first line for the student's edit.
    const result = await svc()['git:sync']('python');
    expect(result.report.merged).toEqual(['lesson.py']);
    expect(await cat('course/lesson.py')).toBe(
      lines('# lesson 1 (updated again)', 'a = 1', 'b = 2', 'c = 3', 'd = 40  # mine too', 'e = 50  # mine').trimEnd(),
    );
  });

  it('refuses a course folder holding a link, and changes nothing', async () => {
    await sh(`ln -s /etc/passwd ${WS}/course/link`);
    const before = await fingerprint('course');
    const err = await svc()
      ['git:sync']('python')
      .catch((e: unknown) => apiErrorOf(e));
    expect(err).toMatchObject({ code: 'REFUSED', message: expect.stringMatching(/course\/link is a link/) });
    expect(await fingerprint('course')).toBe(before);
    await sh(`rm ${WS}/course/link`);
  });

  it('commits a workspace folder and pushes it over http with a token that never reaches a log', async () => {
    await sh(`mkdir -p ${WS}/project && printf 'print(42)\\n' > ${WS}/project/main.py`);
    const url = http.url('mine.git');
    let status = await svc()['git:repoStatus']('python', 'project');
    expect(status.changed).toEqual([{ path: 'main.py', change: 'added' }]);
    expect(status.lastCommit).toBeNull();
    const committed = await svc()['git:commit']('python', 'project', 'first version', { name: 'Student', email: 'student@example.org' });
    expect(committed.files).toBe(1);
    expect(await codeOf(svc()['git:push']('python', 'project', url))).toBe('GIT_AUTH_FAILED');
    await svc()['git:setCredentials'](url, 'student', TOKEN);
    expect((await svc()['git:push']('python', 'project', url)).commit).toBe(committed.commit);
    status = await svc()['git:repoStatus']('python', 'project');
    expect(status).toMatchObject({ changed: [], ahead: 0, behind: 0, remoteKnown: true, remoteUrl: url, hasCredentials: true });
    expect(git(path.join(root, 'http', 'mine.git'), ['show', 'main:main.py'])).toBe('print(42)\n');
    // A refused address is said so; a folder outside the workspace is refused.
    expect(await codeOf(svc()['git:push']('python', 'project', 'ext::sh -c id'))).toBe('GIT_URL_REFUSED');
    expect(await codeOf(svc()['git:repoStatus']('python', '../etc'))).toBe('PATH_INVALID');
    // Nothing of git's in the lab, and the token nowhere: not in the log, not in ClassLab's data besides the encrypted store.
    expect((await sh(`find ${WS} -name .git 2>/dev/null | head -1`)).out).toBe('');
    expect(core.log.lines.join('\n')).not.toContain(TOKEN);
    await svc()['git:forgetCredentials'](url);
    expect((await svc()['git:repoStatus']('python', 'project')).hasCredentials).toBe(false);
  });

  it('keeps the whole old folder as a dated backup beside a fresh copy when the course history was rewritten', async () => {
    await sh(`printf 'x\\n' > ${WS}/course/my-work.txt`);
    remote.rewrite({ 'lesson.py': '# new course\n' });
    const result = await svc()['git:sync']('python');
    expect(result.report.outcome).toBe('fresh-copy');
    expect(result.backupPath).toMatch(/^course-backup-\d{4}-\d{2}-\d{2}-\d{4}$/);
    expect(result.report.backup).toBe(result.backupPath);
    expect((await sh(`ls -A ${WS}/course`)).out).toBe('lesson.py');
    expect(await cat(`${result.backupPath}/my-work.txt`)).toBe('x');
    expect(await cat(`${result.backupPath}/lesson.py`)).toContain('e = 50  # mine');
  });

  it('never replaces a folder that changed after it was copied out', async () => {
    const target = { docker, container: names.container, profile: Profile.parse({ id: 'python', title: 'P', image: 'classlab/python:3' }) };
    const host = path.join(root, 'export-1');
    const { state } = await exportFolder(target, 'course', host);
    await sh(`printf 'saved meanwhile\\n' > ${WS}/course/late.txt`);
    const before = await fingerprint('course');
    await expect(writeFolder(target, host, 'course', { replace: state })).rejects.toMatchObject({ code: 'BUSY' });
    expect(await fingerprint('course')).toBe(before);
    expect((await sh(`ls -A ${WS}/.classlab/incoming 2>/dev/null || true`)).out).toBe('');
  });

  it('refuses git work while the lab is stopped, and the course status still answers', async () => {
    await svc()['labs:stop']('python');
    expect(await codeOf(svc()['git:sync']('python'))).toBe('NOT_READY');
    const status = await svc()['git:courseStatus']('python');
    expect(status.snapshots.length).toBeGreaterThan(0);
  });
});
