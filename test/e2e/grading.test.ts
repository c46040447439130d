// End to end in Debian's Chromium through the real `classlab serve` (issue #14): the instructor opens
// Grade notebooks from the launcher (an admin screen: the first admin action sets the PIN), picks the
// instructor's notebook (solution, a visible graded test, a hidden-tests cell) and two submissions, and
// grades them on the real engine with the bundled Python lab's image: the correct one gets every point,
// the wrong one loses the hidden test's points with the reason shown; nothing of the hidden test's text
// is on the page except the wrong submission's assertion message, which only the instructor sees here.
// Screenshots: artifacts/e2e/grading-*.png and /work/wt/shots/grading-*.png.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect } from 'vitest';
import { docker } from '../support/docker';
import { e2eRun } from '../support/e2e';
import { notebookDoc } from '../support/notebooks';

const PIN = '5127';
const SHOTS = process.env.CLASSLAB_SHOTS_DIR ?? '/work/wt/shots';
const e2e = e2eRun({ shotPrefix: 'grading-', lab: 'python' });
const { step } = e2e;
let page: Page;

const SOURCE = notebookDoc([
  { id: 'solve', source: 'def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION' },
  { id: 'visible', source: '# points: 1\nassert square(3) == 9' },
  {
    id: 'hidden',
    source: "assert square(2) == 4\n### BEGIN HIDDEN TESTS\nassert square(-4) == 16, 'negative numbers'\n### END HIDDEN TESTS",
    metadata: { nbgrader: { grade: true, solution: false, grade_id: 'negative', points: 2 } },
  },
]);
/** A submission: the student's answer in the solution cell, the test cells as released (their ids in metadata). */
const submission = (answer: string) =>
  notebookDoc([
    { id: 'solve', source: answer },
    { id: 'visible', source: '# points: 1\nassert square(3) == 9', metadata: { classlab: { grade_id: 'cell-2', points: 1 } } },
    { id: 'hidden', source: 'assert square(2) == 4', metadata: { classlab: { grade_id: 'negative', points: 2 } } },
  ]);
const file = (name: string, doc: unknown) => ({ name, mimeType: 'application/x-ipynb+json', buffer: Buffer.from(JSON.stringify(doc)) });

beforeAll(async () => {
  page = e2e.page;
  await mkdir(SHOTS, { recursive: true }).catch(() => undefined);
});

async function shot(name: string): Promise<void> {
  await e2e.shot(name);
  await page.screenshot({ path: path.join(SHOTS, `grading-${name}.png`) }).catch(() => undefined);
}

describe('grading notebooks in a browser', () => {
  step('Grade notebooks is an admin entry of the launcher: it asks to set the PIN, then opens the screen', async () => {
    await page.goto(e2e.url);
    await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
    const button = page.getByRole('button', { name: 'Grade notebooks' });
    expect(await button.getAttribute('aria-describedby')).toBe('admin-pin-hint');
    await button.click();
    const set = page.getByRole('dialog', { name: 'Set an admin PIN' });
    await set.getByLabel('New PIN').fill(PIN);
    await set.getByLabel('The same PIN again').fill(PIN);
    await set.getByRole('button', { name: 'Set PIN' }).click();
    await page.getByRole('heading', { name: 'Grade notebooks', level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: /^Grade \d+ submissions?$/ }).isDisabled()).toBe(true);
  });

  step(
    'grades a correct and a wrong submission: points per cell, and why the wrong one lost the hidden test',
    async () => {
      await page.getByLabel('Instructor’s notebook').setInputFiles(file('squares.ipynb', SOURCE));
      await page
        .getByLabel('Submissions')
        .setInputFiles([
          file('alice.ipynb', submission('def square(x):\n    return x * x')),
          file('bob.ipynb', submission('def square(x):\n    return abs(x) * x')),
        ]);
      await page.getByLabel('Lab', { exact: true }).selectOption('python');
      await page.getByLabel('Time limit per cell (seconds)').fill('20');
      await page.getByRole('button', { name: 'Grade 2 submissions' }).click();
      const alice = page.getByRole('region', { name: 'Grades of alice.ipynb' });
      const bob = page.getByRole('region', { name: 'Grades of bob.ipynb' });
      await bob.waitFor({ timeout: 180_000 });
      expect(await alice.getByRole('heading').textContent()).toBe('alice.ipynb: 3 of 3 points');
      expect(await bob.getByRole('heading').textContent()).toBe('bob.ipynb: 1 of 3 points');
      const rows = async (region: typeof alice) => (await region.getByRole('row').allInnerTexts()).slice(1).map((t) => t.replace(/\s+/g, ' ').trim());
      expect(await rows(alice)).toEqual(['cell-2 passed 1/1', 'negative passed 2/2']);
      expect(await rows(bob)).toEqual(['cell-2 passed 1/1', 'negative failed 0/2 AssertionError: negative numbers']);
      await page.getByRole('status').waitFor({ state: 'detached' });
      await shot('01-graded');
      // Every grading container is gone.
      const left = await docker.listContainers({ all: true, filters: { label: ['classlab.role=quick-run', `classlab.instance=${e2e.namespace}`] } });
      expect(left).toEqual([]);
    },
    240_000,
  );
});
