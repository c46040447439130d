// End to end, as a student would (issues #12 and #14): the real `classlab serve` bridge, a real Docker engine
// and the bundled code lab's image (gcc, g++, a JDK, Node.js), driven in Debian's Chromium. The lab opens on a
// terminal (its layout), where a C program is compiled and run by hand. Then the Run panel: it offers only
// the languages of the lab's image and starts on C; a program that reads stdin, Run: the verdict says it ran
// to the end and the output is the program's. Then a program that does not compile: gcc's message.
// Screenshots go to artifacts/e2e/quick-run-*.png and /work/wt/shots when that folder exists.
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect } from 'vitest';
import { ARTIFACTS, e2eRun, labWithImage } from '../support/e2e';

const LAB = 'code';
const SHOTS = '/work/wt/shots';
const e2e = e2eRun({ shotPrefix: 'quick-run-', lab: LAB });
const { shot, step } = e2e;
let page: Page;

const panel = (): Locator => page.getByRole('complementary', { name: 'Quick run' });
const result = (): Locator => panel().getByRole('region', { name: 'Result' });
const terminal = (): Locator => page.getByRole('tabpanel', { name: /^Terminal 1\b/ });
/** The terminal's rows as text (xterm.js draws its visible lines as DOM rows). */
const terminalText = async (): Promise<string> =>
  terminal()
    .locator('.xterm-rows')
    .evaluate((el) => [...el.children].map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n'));

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

describe('the code lab: a terminal first, and a quick run of a C program with stdin, in Chromium', () => {
  step(
    'opens the code lab on a terminal, where gcc, g++, javac and node are at hand',
    async () => {
      await page.goto(e2e.url);
      const { open } = await labWithImage(page, /Programming lab/);
      await open.click();
      await terminal().waitFor({ timeout: 180_000 });
      expect(await page.getByRole('tab', { name: /^Terminal 1\b/ }).getAttribute('aria-selected')).toBe('true');
      await expect.poll(terminalText, { timeout: 30_000 }).toMatch(/\$\s*$/m);
      await terminal().locator('.xterm-helper-textarea').focus();
      await page.keyboard.type(
        "printf '%s\\n' '#include <stdio.h>' 'int main(void) { printf(\"%d\\n\", 6 * 7); return 0; }' > six.c && gcc -o six six.c && ./six && g++ --version | head -n 1 && javac -version && node --version",
      );
      await page.keyboard.press('Enter');
      await expect.poll(terminalText, { timeout: 60_000 }).toMatch(/^42$/m);
      await expect.poll(terminalText, { timeout: 60_000 }).toMatch(/^v\d+\.\d+/m);
      const text = await terminalText();
      expect(text).toMatch(/^g\+\+ /m);
      expect(text).toMatch(/^javac \d+/m);
      await shot('terminal-first');
      await keep('terminal-first', 'code-lab-terminal.png');
    },
    900_000,
  );

  step(
    'opens the Run panel: only the languages of this lab, C first',
    async () => {
      const toolbar = page.getByRole('banner').filter({ has: page.getByRole('button', { name: 'Back to labs' }) });
      const toggle = toolbar.getByRole('button', { name: 'Run', exact: true });
      await toggle.click();
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
      await panel().waitFor();
      const language = panel().getByLabel('Language');
      await language.waitFor({ timeout: 60_000 });
      expect(await language.inputValue()).toBe('c');
      const offered = await language.locator('option').evaluateAll((options) => options.map((o) => o.getAttribute('value')));
      expect(offered).toEqual(['python', 'bash', 'c', 'cpp', 'java', 'javascript']);
    },
    120_000,
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
