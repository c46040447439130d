// End to end in Debian's Chromium through the real `classlab serve` (issue #14): the instructor opens
// Exercises from the launcher (an admin screen: the first admin action sets the PIN), picks an exercise
// folder and installs it for the python lab, sees it listed with its visible and hidden tests and points;
// a folder without statement.md is refused in the page. The student then opens the lab, the exercise,
// clicks Check and passes, the hidden test only "passed". Back on the admin screen, Remove asks first
// (keyboard only) and the list is empty afterwards. Nothing of the hidden test reaches any page.
// Screenshots: artifacts/e2e/exercises-admin-*.png and /work/wt/shots/exercises-admin-*.png.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { docker } from '../support/docker';
import { e2eRun, openLabInFrame } from '../support/e2e';

const PIN = '6243';
const SHOTS = process.env.CLASSLAB_SHOTS_DIR ?? '/work/wt/shots';
const SECRET = 'Hidden-Zk4-Name';
const e2e = e2eRun({ shotPrefix: 'exercises-admin-', lab: 'python' });
const { step } = e2e;
let page: Page;
const src = mkdtempSync(path.join(os.tmpdir(), 'classlab-e2e-exercise-admin-'));
const folder = path.join(src, 'greet');
const broken = path.join(src, 'broken');

async function shot(name: string): Promise<void> {
  await e2e.shot(name);
  await page.screenshot({ path: path.join(SHOTS, `exercises-admin-${name}.png`) }).catch(() => undefined);
}

const table = (): Locator => page.getByRole('region', { name: /^Installed for / }).getByRole('table');

beforeAll(async () => {
  page = e2e.page;
  await mkdir(SHOTS, { recursive: true }).catch(() => undefined);
  mkdirSync(folder);
  writeFileSync(
    path.join(folder, 'exercise.json'),
    JSON.stringify({
      format: 1,
      title: 'Greet a student',
      languages: ['python'],
      starter: { python: 'name = input()\n' },
      tests: [
        { name: 'Ada', stdin: 'Ada\n', expected: 'Hello, Ada!\n' },
        { stdin: `${SECRET}\n`, expected: `Hello, ${SECRET}!\n`, hidden: true, points: 2 },
      ],
    }),
  );
  writeFileSync(path.join(folder, 'statement.md'), '# Greet\n\nRead a **name** and print `Hello, NAME!`.\n');
  mkdirSync(broken);
  writeFileSync(path.join(broken, 'exercise.json'), '{}');
});
afterAll(() => rmSync(src, { recursive: true, force: true }));

describe('the admin installs an exercise in Chromium, the student checks it', () => {
  step('Exercises is an admin entry of the launcher: it asks to set the PIN, then opens the screen', async () => {
    await page.goto(e2e.url);
    await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
    const button = page.getByRole('button', { name: 'Exercises', exact: true });
    expect(await button.getAttribute('aria-describedby')).toBe('admin-pin-hint');
    await shot('00-launcher');
    await button.click();
    const set = page.getByRole('dialog', { name: 'Set an admin PIN' });
    await set.getByLabel('New PIN').fill(PIN);
    await set.getByLabel('The same PIN again').fill(PIN);
    await set.getByRole('button', { name: 'Set PIN' }).click();
    await page.getByRole('heading', { name: 'Exercises', level: 1 }).waitFor();
    await page.getByLabel('Exercises of').selectOption('python');
    await page.getByText('No exercises are installed for this lab yet.').waitFor();
  });

  step('a folder without statement.md is refused in the page; the exercise folder installs and is listed', async () => {
    await page.getByLabel('Folder', { exact: true }).setInputFiles(broken);
    expect(await page.getByRole('alert').textContent()).toContain('statement.md is not there');
    expect(await page.getByRole('button', { name: /^Install for / }).isDisabled()).toBe(true);
    await page.getByLabel('Folder', { exact: true }).setInputFiles(folder);
    // The folder's name is the id, as with `classlab exercises install`.
    expect(await page.getByLabel('Exercise id').inputValue()).toBe('greet');
    await page.getByRole('button', { name: /^Install for / }).click();
    await expect
      .poll(() => page.locator('.exercises-admin-done').textContent(), { timeout: 60_000 })
      .toContain('Installed Greet a student (greet) for Python notebook: 1 visible test and 1 hidden test.');
    await table().waitFor();
    const rows = (await table().getByRole('row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(rows.slice(1)).toEqual(['Greet a student greet Python 1 1 3 Remove']);
    expect(await page.content()).not.toContain(SECRET);
    await shot('01-installed');
  });

  step(
    'the student opens the lab and the exercise, clicks Check and passes; the hidden test says only "passed"',
    async () => {
      // The page's address does not change between screens: back to the launcher first, as a person would.
      await page.getByRole('button', { name: 'Back to labs' }).click();
      await openLabInFrame(page, e2e.url);
      const toolbar = page.getByRole('banner').filter({ has: page.getByRole('button', { name: 'Back to labs' }) });
      await toolbar.getByRole('button', { name: 'Exercises', exact: true }).click();
      const panel = page.getByRole('complementary', { name: 'Exercises' });
      await panel.getByRole('button', { name: /Greet a student/ }).click();
      await panel.getByLabel('Your Python program').fill('name = input()\nprint(f"Hello, {name}!")\n');
      await panel.getByRole('button', { name: 'Check', exact: true }).click();
      const outcome = panel.getByRole('region', { name: 'Check result' });
      await expect.poll(() => outcome.textContent(), { timeout: 180_000 }).toContain('All 2 tests passed: 3 of 3 points.');
      expect(await outcome.getByRole('list', { name: 'Tests' }).getByRole('listitem').nth(1).textContent()).toContain('Test 2 (hidden): passed');
      expect(await page.content()).not.toContain(SECRET);
      await shot('02-student-checked');
      const left = await docker.listContainers({ all: true, filters: { label: ['classlab.role=quick-run', `classlab.instance=${e2e.namespace}`] } });
      expect(left).toEqual([]);
    },
    900_000,
  );

  step('Remove asks first and is done with the keyboard alone; the list is empty afterwards', async () => {
    await page.getByRole('button', { name: 'Back to labs' }).click();
    await page.getByRole('button', { name: 'Exercises', exact: true }).click();
    await page.getByRole('heading', { name: 'Exercises', level: 1 }).waitFor();
    await page.getByLabel('Exercises of').selectOption('python');
    await table().waitFor();
    await page.getByRole('button', { name: 'Remove Greet a student' }).focus();
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog', { name: 'Remove Greet a student?' });
    await confirm.waitFor();
    // Cancel has the focus first: Escape or Enter there changes nothing.
    expect(await confirm.getByRole('button', { name: 'Cancel' }).evaluate((b) => b === b.ownerDocument.activeElement)).toBe(true);
    await shot('03-confirm-remove');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('No exercises are installed for this lab yet.').waitFor();
    expect(await page.locator('.exercises-admin-done').textContent()).toBe('Removed Greet a student (greet) from Python notebook.');
    await shot('04-removed');
  });
});
