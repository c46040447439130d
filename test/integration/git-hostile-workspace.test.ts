// Issue #9, item 1: git on the host runs nothing a lab wrote. A real lab (classlab/python:3) and real
// git on both sides: the student plants, with the lab's own git, every hostile variant (a nested
// repository with a clean filter — the confirmed attack —, textconv and diff/merge drivers, fsmonitor,
// hooks, sshCommand, include/includeIf, a .git file pointing elsewhere, the folder's own .git, a
// .gitmodules, the spellings Windows and macOS read as .git); each program would write a marker file in
// a folder of this computer. Control first: plain host git run on a raw copy of the folder the way
// ClassLab's git used to run does write markers (the attack is live). Then ClassLab's status and commit,
// through the core's service (the Git panel's path): no marker, every repository named as left out with
// its reason, no gitlink committed. Course sync refuses a course folder holding a repository (the
// write-back would lose it) and changes nothing; a local course address works only once this machine
// trusts it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorOf } from '../../electron/api/client';
import type { GitProgress } from '../../electron/api/contract';
import { EXPECTED_LEFT_OUT, HOSTILE_GIT_FOLDER, hostileGitScript } from '../../electron/core/audit/attacks/git-host';
import { exportFolder } from '../../electron/core/files/folder-sync';
import { labNames } from '../../electron/core/labs/naming';
import { Profile } from '../../electron/core/profiles/schema';
import { docker, ensureImages, execIn, removeNamespace, testCatalog, testCore, testSettings, uniqueNamespace } from '../support/docker';
import { initRemote, tempRoot, type CourseRemote } from '../support/git-remote';
import { pythonCourseLab } from '../support/fixtures';

const ns = uniqueNamespace('clgith');
const names = labNames(ns, 'python');
const WS = '/home/student/work';
const USER = '1000:1000';

let core: Awaited<ReturnType<typeof testCore>>;
let root: string;
let marker: string;
let dataDir: string;
let remote: CourseRemote;
const settings = testSettings();
const progress: GitProgress[] = [];
const svc = () => core.service;
const sh = (script: string) => execIn(names.container, ['sh', '-c', script], USER);
const markers = () => readdirSync(marker).sort();
const fingerprint = async (rel: string) =>
  (await sh(`cd ${WS}/${rel} && find . -exec sh -c 'for f; do if [ -f "$f" ]; then sha256sum "$f"; else echo "dir $f"; fi; done' _ {} + | sort`)).out;

/** Plain git with a clean environment of the test's own, as a naive host tool would run it. */
function naiveGit(env: Record<string, string>, args: string[]): void {
  try {
    execFileSync('git', args, {
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...env },
      stdio: 'ignore',
    });
  } catch {
    // A failing filter may make git fail: the marker is what counts.
  }
}

beforeAll(async () => {
  root = tempRoot('githostile');
  marker = mkdtempSync(path.join(os.tmpdir(), 'classlab-git-marker-'));
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-git-data-'));
  remote = initRemote(path.join(root, 'course'));
  remote.publish({ 'lesson.py': 'print(1)\n' }, 'first');
  const catalogDir = testCatalog([pythonCourseLab(remote.url)]);
  // No trust at first: the local course address is refused until the test trusts it.
  core = await testCore(ns, { catalogDir, settings, dataDir });
  core.subscribe('git:progress', (p) => progress.push(p));
  await ensureImages(core);
  await svc()['labs:open']('python');
  const planted = await sh(hostileGitScript(WS, HOSTILE_GIT_FOLDER, marker));
  expect(planted.out).toContain('planted');
});

afterAll(async () => {
  await core?.service['labs:stop']('python').catch(() => undefined);
  await core?.close();
  await removeNamespace(ns);
  for (const d of [root, marker, dataDir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('git on the host runs nothing a lab wrote', () => {
  it('control: plain git on a raw copy of the folder, run the way ClassLab used to, runs the lab’s programs', async () => {
    const target = { docker, container: names.container, profile: Profile.parse({ id: 'python', title: 'P', image: 'classlab/python:3' }) };
    const raw = path.join(root, 'raw');
    const { leftOut } = await exportFolder(target, HOSTILE_GIT_FOLDER, raw);
    expect(leftOut).toEqual([]);
    expect(readdirSync(path.join(raw, 'filter-clean'))).toContain('.git');
    const gitDir = path.join(root, 'control.git');
    naiveGit({}, ['init', '-q', '--bare', gitDir]);
    const env = { GIT_DIR: gitDir, GIT_WORK_TREE: raw };
    naiveGit(env, ['config', 'core.bare', 'false']);
    // (git on Linux refuses to add ".GIT/…" at all: the case-* folders would stop the add before the rest.)
    naiveGit(env, ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', 'add', '-A', '--', '.', ':(exclude)case-*']);
    naiveGit(env, ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', 'status', '--porcelain']);
    const withOldSettings = markers();
    // Without them (any other git tool), the nested fsmonitor and the included one run too.
    naiveGit(env, ['status', '--porcelain']);
    const live = markers();
    for (const name of live) rmSync(path.join(marker, name));
    // The confirmed attack, and the .git file pointing elsewhere, both run with ClassLab's old -c settings.
    expect(withOldSettings).toEqual(expect.arrayContaining(['filter-clean', 'gitdir']));
    expect(live).toEqual(expect.arrayContaining(['filter-clean', 'fsmonitor', 'gitdir', 'include']));
    expect(markers()).toEqual([]);
  });

  it('the Git panel’s Check and Commit run none of it, and say what was left out and why', async () => {
    const status = await svc()['git:repoStatus']('python', HOSTILE_GIT_FOLDER);
    expect(markers()).toEqual([]);
    expect(status.skipped.map((s) => s.path).sort()).toEqual(EXPECTED_LEFT_OUT.map((p) => `${HOSTILE_GIT_FOLDER}/${p}`).sort());
    const byPath = new Map(status.skipped.map((s) => [s.path, s.reason]));
    expect(byPath.get(`${HOSTILE_GIT_FOLDER}/filter-clean/.git`)).toBe('a git repository made inside the lab');
    expect(byPath.get(`${HOSTILE_GIT_FOLDER}/gitdir/.git`)).toBe('a .git file, which points git at another repository');
    expect(byPath.get(`${HOSTILE_GIT_FOLDER}/case-.GIT/.GIT`)).toMatch(/"\.GIT" is read as "\.git" on Windows or macOS/);
    // The files of the nested repositories are ordinary files of the folder.
    expect(status.changed.map((c) => c.path)).toEqual(
      expect.arrayContaining(['filter-clean/a.txt', 'gitdir/a.txt', '.gitmodules', '.gitattributes', 'hook/my-hooks/pre-commit']),
    );
    expect(status.changed.some((c) => /(^|\/)\.git(\/|$)/i.test(c.path))).toBe(false);

    const committed = await svc()['git:commit']('python', HOSTILE_GIT_FOLDER, 'everything', null);
    expect(committed.files).toBe(status.changed.length);
    expect(markers()).toEqual([]);
    // Check again after the commit (the old attack ran at this point), and commit a change.
    await sh(`echo more >> ${WS}/${HOSTILE_GIT_FOLDER}/filter-clean/a.txt`);
    expect((await svc()['git:repoStatus']('python', HOSTILE_GIT_FOLDER)).changed).toEqual([{ path: 'filter-clean/a.txt', change: 'modified' }]);
    expect((await svc()['git:commit']('python', HOSTILE_GIT_FOLDER, 'more', null)).files).toBe(1);
    expect(markers()).toEqual([]);

    // What ClassLab committed: plain files only, no gitlink, and its own config holds no driver.
    const repos = path.join(dataDir, 'git', 'python', 'repos');
    const gitDir = path.join(
      repos,
      readdirSync(repos).find((n) => n.endsWith('.git'))!,
    );
    const tree = execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', 'HEAD'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    });
    expect(tree).not.toMatch(/^160000 /m);
    expect(tree).toMatch(/\tfilter-clean\/a\.txt$/m);
    expect(tree).not.toMatch(/\t(.*\/)?\.git(\/|$)/im);
    expect(readFileSync(path.join(gitDir, 'config'), 'utf8')).not.toMatch(/filter|diff|merge|include|hooks|fsmonitor|worktree/i);
    // The lab's own repositories are as the student left them.
    expect((await sh(`test -d ${WS}/${HOSTILE_GIT_FOLDER}/filter-clean/.git && cat ${WS}/${HOSTILE_GIT_FOLDER}/gitdir/.git`)).out).toBe(
      'gitdir: ../hidden.git',
    );
  });

  it('a local course address works only once this machine trusts it', async () => {
    // The first open tried to copy the course in, in the background, and was refused.
    await expect.poll(() => progress.find((p) => p.stage === 'failed' || p.stage === 'done')?.stage, { timeout: 60_000 }).toBe('failed');
    const err = await svc()
      ['git:sync']('python')
      .catch((e: unknown) => apiErrorOf(e));
    expect(err).toMatchObject({
      code: 'GIT_URL_REFUSED',
      message: expect.stringMatching(/local address, and this computer does not trust it.*classlab trust local add/),
    });
    settings.update({ trust: { ...settings.get().trust, localAddresses: [remote.url] } });
    expect((await svc()['git:sync']('python')).report.outcome).toBe('cloned');
  });

  it('course sync refuses a course folder holding a repository of the lab’s, and changes nothing', async () => {
    await sh(
      `cd ${WS}/course && git -c init.defaultBranch=main init -q notes && git -C notes config filter.evil.clean 'touch ${marker}/course; cat' && echo '* filter=evil' > notes/.gitattributes && echo n > notes/n.txt`,
    );
    remote.publish({ 'lesson.py': 'print(2)\n' }, 'second');
    const before = await fingerprint('course');
    const err = await svc()
      ['git:sync']('python')
      .catch((e: unknown) => apiErrorOf(e));
    expect(err).toMatchObject({
      code: 'REFUSED',
      message: expect.stringMatching(/holds a git repository of its own \(course\/notes\/\.git\).*Move it out of course/),
    });
    expect(await fingerprint('course')).toBe(before);
    expect(markers()).toEqual([]);
    await sh(`rm -rf ${WS}/course/notes`);
    expect((await svc()['git:sync']('python')).report.outcome).toBe('synced');
    expect(markers()).toEqual([]);
  });
});
