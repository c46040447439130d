// End to end, as a student would (issue #14): an exercise with a visible and a hidden test is installed
// on this computer (the instructor's step, into the run's own data folder), then in Debian's Chromium the
// student opens the python lab, the Exercises panel, the exercise: its statement is rendered from
// Markdown (a <script> in it stays text), the editor holds the starter code. A wrong program: Check says
// which tests failed, the hidden one only "wrong answer"; the right one: every test passed. Nothing of the
// hidden test reaches the page. Screenshots go to artifacts/e2e/exercises-*.png and /work/wt/shots.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ExerciseStore } from '../../electron/core/exercises/store';
import { memoryLogger } from '../support/docker';
import { ARTIFACTS, e2eRun, openLabInFrame } from '../support/e2e';

const LAB = 'python';
const SHOTS = '/work/wt/shots';
const SECRET = 'Hidden-Qx7-Name';
const e2e = e2eRun({ shotPrefix: 'exercises-', lab: LAB });
const { shot, step } = e2e;
let page: Page;
const src = mkdtempSync(path.join(os.tmpdir(), 'classlab-e2e-exercise-'));

const panel = (): Locator => page.getByRole('complementary', { name: 'Exercises' });
const outcome = (): Locator => panel().getByRole('region', { name: 'Check result' });

async function keep(name: string): Promise<void> {
  if (existsSync(SHOTS)) await copyFile(path.join(ARTIFACTS, `exercises-${name}.png`), path.join(SHOTS, `exercises-${name}.png`));
}

beforeAll(async () => {
  page = e2e.page;
  const dir = path.join(src, 'greet');
  mkdirSync(dir);
  writeFileSync(
    path.join(dir, 'exercise.json'),
    JSON.stringify({
      format: 1,
      title: 'Greet a student',
      languages: ['python'],
      starter: { python: 'name = input()\n# print the greeting\n' },
      tests: [
        { name: 'Ada', stdin: 'Ada\n', expected: 'Hello, Ada!\n' },
        { stdin: `${SECRET}\n`, expected: `Hello, ${SECRET}!\n`, hidden: true, points: 2 },
      ],
    }),
  );
  writeFileSync(
    path.join(dir, 'statement.md'),
    '# Greet\n\nRead a **name** from stdin and print `Hello, NAME!`.\n\n- one line in\n- one line out\n\n<script>window.hacked = 1</script>\n',
  );
  // The instructor's step (`classlab exercises install python FOLDER`), done here on the run's own data folder.
  await new ExerciseStore(e2e.env.CLASSLAB_HOME!, memoryLogger()).install(LAB, dir);
});
afterAll(() => rmSync(src, { recursive: true, force: true }));

describe('an exercise checked in Chromium, failing then passing', () => {
  step(
    'opens the lab, the Exercises panel and the exercise',
    async () => {
      await openLabInFrame(page, e2e.url);
      const toolbar = page.getByRole('banner').filter({ has: page.getByRole('button', { name: 'Back to labs' }) });
      await toolbar.getByRole('button', { name: 'Exercises', exact: true }).click();
      await panel()
        .getByRole('button', { name: /Greet a student/ })
        .click();
      await panel().getByRole('heading', { name: 'Greet a student' }).waitFor();
      const statement = panel().getByRole('region', { name: 'Statement' });
      await statement.getByRole('heading', { name: 'Greet' }).waitFor();
      expect(await statement.locator('strong').textContent()).toBe('name');
      expect(await statement.textContent()).toContain('<script>window.hacked = 1</script>');
      expect(await page.evaluate(() => (globalThis as { hacked?: number }).hacked)).toBeUndefined();
      expect(await panel().getByLabel('Your Python program').inputValue()).toBe('name = input()\n# print the greeting\n');
      await shot('statement');
      await keep('statement');
    },
    900_000,
  );

  step('a wrong program: the visible test shows its output, the hidden one only its verdict', async () => {
    await panel().getByLabel('Your Python program').fill('name = input()\nprint("Hi", name)\n');
    await panel().getByRole('button', { name: 'Check', exact: true }).click();
    await outcome().waitFor({ timeout: 180_000 });
    expect(await outcome().textContent()).toContain('0 of 2 tests passed: 0 of 3 points.');
    const tests = outcome().getByRole('list', { name: 'Tests' }).getByRole('listitem');
    expect(await tests.nth(0).textContent()).toContain('Test 1 · Ada: wrong answer');
    expect(await tests.nth(1).textContent()).toContain('Test 2 (hidden): wrong answer');
    await tests.nth(0).getByText('What it printed').click();
    expect(await tests.nth(0).getByLabel('Output of test 1', { exact: true }).textContent()).toBe('Hi Ada\n');
    expect(await tests.nth(0).getByLabel('Expected output of test 1', { exact: true }).textContent()).toBe('Hello, Ada!\n');
    expect(await page.content()).not.toContain(SECRET);
    await shot('failing');
    await keep('failing');
  });

  step('the right program: every test passed', async () => {
    await panel().getByLabel('Your Python program').fill('name = input()\nprint(f"Hello, {name}!")\n');
    await panel().getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => outcome().textContent(), { timeout: 180_000 }).toContain('All 2 tests passed: 3 of 3 points.');
    const tests = outcome().getByRole('list', { name: 'Tests' }).getByRole('listitem');
    expect(await tests.nth(1).textContent()).toContain('Test 2 (hidden): passed');
    expect(await page.content()).not.toContain(SECRET);
    await shot('passing');
    await keep('passing');
  });
});
