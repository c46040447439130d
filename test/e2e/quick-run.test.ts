// End to end, as a student would (issue #14): the real `classlab serve` bridge, a real Docker engine and the
// python lab's image (which has gcc), driven in Debian's Chromium. Open the lab, open the Run panel, choose
// C, type a program that reads stdin and the stdin text, Run: the verdict says it ran to the end and the
// output is the program's. Then a program that does not compile: a compile error with gcc's message.
// Screenshots go to artifacts/e2e/quick-run-*.png and /work/wt/shots when that folder exists.
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect } from 'vitest';
import { ARTIFACTS, e2eRun, openLabInFrame } from '../support/e2e';

const LAB = 'python';
const SHOTS = '/work/wt/shots';
const e2e = e2eRun({ shotPrefix: 'quick-run-', lab: LAB });
const { shot, step } = e2e;
let page: Page;

const panel = (): Locator => page.getByRole('complementary', { name: 'Quick run' });
const result = (): Locator => panel().getByRole('region', { name: 'Result' });

const SUM_PROGRAM = [
  '#include <stdio.h>',
  '',
  'int main(void) {',
  '    long a, b, total = 0;',
  '    while (scanf("%ld %ld", &a, &b) == 2) {',
  '        printf("%ld + %ld = %ld\\n", a, b, a + b);',
  '        total += a + b;',
  '    }',
  '    printf("total %ld\\n", total);',
  '    return 0;',
  '}',
  '',
].join('\n');

/** Keeps a copy of a screenshot where the team looks at them. */
async function keep(name: string, as: string): Promise<void> {
  if (existsSync(SHOTS)) await copyFile(path.join(ARTIFACTS, `quick-run-${name}.png`), path.join(SHOTS, as));
}

beforeAll(() => {
  page = e2e.page;
});

describe('a quick run of a C program with stdin, in Chromium', () => {
  step(
    'opens the python lab and its Run panel',
    async () => {
      await openLabInFrame(page, e2e.url);
      const toolbar = page.getByRole('banner').filter({ has: page.getByRole('button', { name: 'Back to labs' }) });
      const toggle = toolbar.getByRole('button', { name: 'Run', exact: true });
      await toggle.click();
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
      await panel().waitFor();
    },
    900_000,
  );

  step('runs a C program that reads stdin: it ran to the end with the program output', async () => {
    await panel().getByLabel('Language').selectOption('c');
    const program = panel().getByLabel('Program');
    await program.fill(SUM_PROGRAM);
    await panel().getByLabel('Input (stdin)').fill('1 2\n40 2\n');
    await panel().getByRole('button', { name: 'Run', exact: true }).click();
    await result().waitFor({ timeout: 120_000 });
    await expect.poll(() => result().textContent()).toContain('Ran to the end');
    const output = await result().getByLabel('Output', { exact: true }).textContent();
    expect(output).toBe('1 + 2 = 3\n40 + 2 = 42\ntotal 45\n');
    expect(await result().textContent()).toMatch(/exit code 0/);
    await shot('accepted');
    await keep('accepted', 'exercises-quickrun.png');
  });

  step('a program that does not compile: a compile error with gcc saying where', async () => {
    await panel().getByLabel('Program').fill('#include <stdio.h>\nint main(void) {\n    printf("no semicolon")\n}\n');
    await panel().getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => result().textContent(), { timeout: 120_000 }).toContain('Compile error');
    const errors = await result().getByLabel('Errors').textContent();
    expect(errors).toMatch(/main\.c:3:\d+: error/);
    await shot('compile-error');
    await keep('compile-error', 'exercises-quickrun-compile-error.png');
  });
});
