// End to end, as a student would (issue #6): the real `classlab serve` with a catalog whose python lab names
// a course repository the test made (a bare repo; file://, trusted by `classlab trust local add` as the
// desktop user would, never by the profile), a real Docker engine,
// Debian's Chromium. Open the lab: the course is copied in by itself and a notice says so. Edit a course
// file in a terminal tab, the instructor pushes a change meanwhile, click Sync: both changes are in the
// file, and the panel says in plain words what happened; a notebook both changed keeps the student's with
// the instructor's beside it; a snapshot restores as a new folder; a folder is committed and pushed; a
// folder holding the student's own hostile repositories (issue #9) is checked and committed with nothing
// run on this computer, and the panel says what it skipped and why. Screenshots go to artifacts/e2e/git-*.png.
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { execIn, testCatalog } from '../support/docker';
import { e2eRun, labWithImage } from '../support/e2e';
import { git, initRemote, tempRoot, type CourseRemote } from '../support/git-remote';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { HOSTILE_GIT_FOLDER, hostileGitScript } from '../../electron/core/audit/attacks/git-host';

const LAB = 'python';
const FRAME = 'iframe[title^="Notebook for"]';
const lines = (...ls: string[]) => `${ls.join('\n')}\n`;
const notebook = (source: string) =>
  `${JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: 'c1', cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null }] }, null, 1)}\n`;

let root = '';
let remote: CourseRemote;
let marker = '';

const e2e = e2eRun({
  shotPrefix: 'git-',
  lab: LAB,
  prepare: async () => {
    root = tempRoot('e2e-course');
    remote = initRemote(path.join(root, 'course'));
    remote.publish({ 'lesson.py': lines('# Lesson 1', 'x = 1', 'y = 2', 'z = 3', 'print(x + y + z)'), 'exercise.ipynb': notebook('print(1)') }, 'first');
    const catalog = testCatalog([
      {
        id: LAB,
        title: 'Python notebook',
        description: 'The python lab with a course repository.',
        image: 'classlab/python:3',
        build: { context: 'python' },
        network: 'none',
        course: { url: remote.url, branch: 'main', folder: 'course' },
      },
    ]);
    return { CLASSLAB_CATALOG: catalog };
  },
  // The desktop user trusts the course folder and their own local repository on this machine.
  trust: () => [
    ['local', 'add', remote.url],
    ['local', 'add', `file://${root}/mine.git`],
  ],
});
const { shot, step, container } = e2e;
let page: Page;

const gitPanel = (): Locator => page.getByRole('complementary', { name: 'Course and git' });
const labFile = async (rel: string) => (await execIn(container, ['cat', `/home/student/work/${rel}`], '1000:1000')).out;

beforeAll(() => {
  page = e2e.page;
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  if (marker) rmSync(marker, { recursive: true, force: true });
});

describe('course sync in a browser, through the bridge', () => {
  step(
    'opening the lab copies the course in by itself and says so',
    async () => {
      await page.goto(e2e.url);
      const { open } = await labWithImage(page);
      await open.click();
      await page.locator(FRAME).waitFor({ timeout: 120_000 });
      const notice = page.getByRole('status').filter({ hasText: 'Course materials:' });
      await notice.waitFor({ timeout: 60_000 });
      expect(await notice.textContent()).toMatch(/copied into your workspace/);
      expect(await labFile('course/lesson.py')).toContain('# Lesson 1');
      await shot('01-cloned-notice');
      await notice.getByRole('button', { name: 'Details' }).click();
      await gitPanel().waitFor();
      expect(await page.getByRole('button', { name: 'Course', exact: true }).getAttribute('aria-pressed')).toBe('true');
      await expect.poll(() => gitPanel().getByLabel('Last sync').textContent()).toMatch(/Course copied in/);
    },
    960_000,
  );

  step('the student edits the course in a terminal while the instructor pushes a change', async () => {
    await page.getByRole('button', { name: 'New terminal' }).click();
    const terminal = page.getByRole('tabpanel', { name: 'Terminal 1' });
    await terminal.locator('.xterm-rows').waitFor();
    await expect.poll(async () => (await terminal.locator('.xterm-rows').textContent()) ?? '', { timeout: 30_000 }).toMatch(/\$\s*$/);
    await page.keyboard.type(`sed -i 's/^z = 3$/z = 30  # my change/' course/lesson.py && echo 'print(2)' > course/mine.py && echo EDITED`);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await terminal.locator('.xterm-rows').textContent()) ?? '').toMatch(/EDITED/);
    expect(await labFile('course/lesson.py')).toContain('z = 30  # my change');
    // The student changes the notebook too (as saving it in Jupyter would).
    await execIn(container, ['sh', '-c', `printf '%s' '${notebook('print("mine")').trim()}' > /home/student/work/course/exercise.ipynb`], '1000:1000');
    remote.publish(
      {
        'lesson.py': lines('# Lesson 1, revised', 'x = 1', 'y = 2', 'z = 3', 'print(x + y + z)'),
        'exercise.ipynb': notebook('print("instructor")'),
        'lesson2.py': 'print("two")\n',
      },
      'second',
    );
    await shot('02-student-edit');
    await page.getByRole('tab', { name: 'Notebook' }).click();
  });

  step('Sync brings the instructor’s change in, keeps the student’s, and says what happened', async () => {
    await gitPanel().getByRole('button', { name: 'Sync course' }).click();
    await expect.poll(() => gitPanel().getByLabel('Last sync').textContent(), { timeout: 60_000 }).toMatch(/Changes brought in/);
    const text = (await gitPanel().getByLabel('Last sync').textContent()) ?? '';
    expect(text).toMatch(/New from your instructor \(1 file\): lesson2\.py/);
    expect(text).toMatch(/combined in lesson\.py; where you both changed the same lines, yours were kept/);
    expect(text).toMatch(
      /You and your instructor both changed exercise\.ipynb: yours stays as it is, your instructor's version is in exercise \(instructor\)\.ipynb/,
    );
    const lesson = await labFile('course/lesson.py');
    expect(lesson).toContain('# Lesson 1, revised');
    expect(lesson).toContain('z = 30  # my change');
    expect(await labFile('course/mine.py')).toBe('print(2)');
    expect(await labFile('course/lesson2.py')).toBe('print("two")');
    expect(await labFile('course/exercise.ipynb')).toContain('mine');
    expect(JSON.parse(await labFile('course/exercise (instructor).ipynb')).cells[0].source).toBe('print("instructor")');
    await gitPanel()
      .getByText(/Every file \(\d+\) in course/)
      .click();
    await gitPanel().getByText('Combined (your lines kept where you both changed them) (1)').waitFor();
    await shot('03-synced');
  });

  step('a snapshot taken before the sync restores as a new folder beside the course', async () => {
    const restore = gitPanel()
      .getByRole('list', { name: 'Snapshots' })
      .getByRole('button', { name: /^Restore the snapshot from / })
      .first();
    await restore.click();
    const done = gitPanel().getByRole('status').filter({ hasText: 'The snapshot is restored as' });
    await done.waitFor({ timeout: 60_000 });
    const folder = /restored as (course-restored-[\d-]+)/.exec((await done.textContent()) ?? '')?.[1];
    expect(folder).toBeTruthy();
    const old = await labFile(`${folder}/lesson.py`);
    expect(old).toContain('# Lesson 1\n');
    expect(old).toContain('z = 30  # my change');
    // The Files panel lists it at once (sooner than its periodic refresh).
    await page.getByRole('complementary', { name: 'Files' }).getByRole('grid').getByText(folder!, { exact: true }).waitFor({ timeout: 3000 });
    await shot('04-restored');
  });

  step('commits a workspace folder and pushes it to a repository of the student’s own', async () => {
    git(root, ['init', '-q', '--bare', '--initial-branch=main', 'mine.git']);
    const mine = `file://${root}/mine.git`;
    const section = gitPanel().getByRole('region', { name: 'Push a folder to your own repository' });
    await section.getByLabel('Folder in your workspace').fill('course');
    await section.getByRole('button', { name: 'Check' }).click();
    await expect
      .poll(() => section.getByRole('status', { name: 'Folder status' }).textContent())
      .toMatch(/\d+ files changed since the last commit\. No commit yet\./);
    await section.getByLabel('Commit message').fill('My work on lesson 1');
    await section.getByRole('button', { name: 'Commit' }).click();
    await section.getByText(/^Committed \d+ files\.$/).waitFor();
    await section.getByLabel('Remote address').fill(mine);
    await section.getByRole('button', { name: 'Push' }).click();
    await section.getByText(`Pushed to ${mine}.`).waitFor();
    await expect
      .poll(() => section.getByRole('status', { name: 'Folder status' }).textContent())
      .toMatch(/No changes since the last commit\. 0 commits not pushed yet\./);
    expect(git(path.join(root, 'mine.git'), ['show', 'main:lesson.py'])).toContain('z = 30  # my change');
    expect(git(path.join(root, 'mine.git'), ['log', '-1', '--format=%s', 'main']).trim()).toBe('My work on lesson 1');
    await section.scrollIntoViewIfNeeded();
    await shot('05-pushed');
  });

  step('a folder holding the student’s own hostile repositories: Check and Commit run nothing here, and say what was skipped and why', async () => {
    // Planted with the lab's own git, as a student would: a nested repository with a clean filter (the
    // confirmed attack), drivers, fsmonitor, hooks, includes, a .git file, .gitmodules, .GIT spellings.
    marker = mkdtempSync(path.join(os.tmpdir(), 'classlab-e2e-git-marker-'));
    const planted = await execIn(container, ['sh', '-c', hostileGitScript('/home/student/work', HOSTILE_GIT_FOLDER, marker)], '1000:1000');
    expect(planted.out).toContain('planted');
    const section = gitPanel().getByRole('region', { name: 'Push a folder to your own repository' });
    await section.getByLabel('Folder in your workspace').fill(HOSTILE_GIT_FOLDER);
    await section.getByRole('button', { name: 'Check' }).click();
    const notice = section.getByRole('note', { name: /^Skipped 12 items: git repositories made inside the lab/ });
    await notice.waitFor({ timeout: 120_000 });
    expect(await notice.textContent()).toMatch(/never reads a repository made inside a lab, because its settings could run programs on this computer/);
    expect(await notice.textContent()).toContain(`${HOSTILE_GIT_FOLDER}/filter-clean/.git — a git repository made inside the lab`);
    expect(await notice.textContent()).toContain(`${HOSTILE_GIT_FOLDER}/gitdir/.git — a .git file, which points git at another repository`);
    expect(await notice.textContent()).toContain(
      `${HOSTILE_GIT_FOLDER}/case-.GIT/.GIT — a git repository made inside the lab ("${'.GIT'}" is read as ".git" on Windows or macOS)`,
    );
    expect(readdirSync(marker)).toEqual([]);
    await section.getByLabel('Commit message').fill('Everything in the folder');
    await section.getByRole('button', { name: 'Commit' }).click();
    await section.getByText(/^Committed \d+ files\.$/).waitFor({ timeout: 120_000 });
    // The notice is still there after the commit's fresh check; nothing ran on this computer.
    await notice.waitFor();
    expect(readdirSync(marker)).toEqual([]);
    await notice.scrollIntoViewIfNeeded();
    await shot('06-hostile-skipped');
  });
});
