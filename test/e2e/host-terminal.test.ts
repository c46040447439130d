// End to end in Debian's Chromium through the real `classlab serve`: the launcher's Host terminal button
// asks to set the admin PIN, then opens a shell on this computer in the xterm view; `echo $((6*7))` shows
// 42; Lock ends the shell and says why. The Settings screen (after the PIN again) changes the lock's idle
// minutes (the header's Lock button says the new ones) and the theme (light, dark, the system's), and
// shows a refused folder's reason; it keeps the python lab warm (a window that ends before it starts is
// refused beside it), the launcher says so, and Open is ready from the warm lab. Screenshots light and dark: artifacts/e2e/hostterm-*.png and
// /work/wt/shots/hostterm-*.png.
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect } from 'vitest';
import { e2eRun } from '../support/e2e';
import { waitForJupyterLab } from '../support/jupyterlab';

const PIN = '4826';
const SHOTS = process.env.CLASSLAB_SHOTS_DIR ?? '/work/wt/shots';
const e2e = e2eRun({ shotPrefix: 'hostterm-', lab: 'python' });
const { step } = e2e;
let page: Page;

beforeAll(async () => {
  page = e2e.page;
  await mkdir(SHOTS, { recursive: true }).catch(() => undefined);
});

/** The accessibility-checked screenshot, and a copy for the review folder. */
async function shot(name: string): Promise<void> {
  await e2e.shot(name);
  await page.screenshot({ path: path.join(SHOTS, `hostterm-${name}.png`) }).catch(() => undefined);
}

const header = () => page.getByRole('group', { name: 'Admin lock' });
const terminal = () => page.getByRole('main', { name: 'Host terminal' });
/** The rows the terminal shows (xterm.js renders its buffer's visible lines as DOM rows). */
const rows = (): Promise<string[]> =>
  terminal()
    .locator('.xterm-rows')
    .evaluate((el) => [...el.children].map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
const theme = (on: Page = page) => on.locator('html').getAttribute('data-theme');
/** The page's background as the stylesheet resolved it: light or dark. */
const background = () => page.locator('html').evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).backgroundColor);
const LIGHT_BG = 'rgb(244, 246, 249)';
const DARK_BG = 'rgb(15, 20, 28)';

async function unlock(): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Unlock the admin area' });
  await dialog.waitFor();
  await dialog.getByLabel('Admin PIN').fill(PIN);
  await dialog.getByRole('button', { name: 'Unlock' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

describe('the host terminal and the settings in a browser', () => {
  step('the launcher shows Settings and Host terminal as admin entries (padlock, asks for the PIN)', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(e2e.url);
    await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
    for (const name of ['Settings', 'Host terminal']) {
      const button = page.getByRole('button', { name, exact: true });
      expect(await button.getAttribute('aria-describedby')).toBe('admin-pin-hint');
    }
    expect(await theme()).toBe('system');
    expect(await background()).toBe(LIGHT_BG);
    await shot('01-launcher-light');
  });

  step(
    'Host terminal asks to set a PIN, then runs echo $((6*7)) on this computer and shows 42',
    async () => {
      await page.getByRole('button', { name: 'Host terminal', exact: true }).click();
      const set = page.getByRole('dialog', { name: 'Set an admin PIN' });
      await set.waitFor();
      await set.getByLabel('New PIN').fill(PIN);
      await set.getByLabel('The same PIN again').fill(PIN);
      await set.getByRole('button', { name: 'Set PIN' }).click();
      await set.waitFor({ state: 'hidden' });
      await page.getByRole('heading', { name: 'Host terminal', level: 1 }).waitFor();
      // The shell's prompt, then the command typed into the focused terminal.
      await expect.poll(async () => (await rows()).some((r) => r.trim() !== ''), { timeout: 30_000 }).toBe(true);
      await terminal().locator('.xterm-screen').click();
      await page.keyboard.type('echo $((6*7))');
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await rows()).map((r) => r.trim()), { timeout: 30_000 }).toContain('42');
      await page.keyboard.type(`echo "home=$HOME"`);
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await rows()).map((r) => r.trim()), { timeout: 30_000 }).toContain(`home=${os.homedir()}`);
      await shot('02-host-terminal-light');
    },
    120_000,
  );

  step('Lock closes the host terminal and says why; a new shell asks for the PIN again', async () => {
    await header().getByRole('button', { name: 'Lock' }).click();
    const status = terminal().getByRole('status').filter({ hasText: 'The admin area locked' });
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('The admin area locked: the host terminal was closed.');
    expect(await terminal().getByRole('button', { name: 'Unlock and start a new shell' }).isVisible()).toBe(true);
    await shot('03-host-terminal-locked');
    await page.getByRole('button', { name: 'Back to labs' }).click();
    await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
  });

  step('Settings asks for the PIN, then changes the lock timeout (the Lock button says the new minutes)', async () => {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await unlock();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const minutes = page.getByLabel('Lock the admin area after', { exact: true });
    await minutes.waitFor();
    expect(await minutes.inputValue()).toBe('10');
    await minutes.fill('0');
    expect(await page.getByRole('button', { name: 'Save: Lock the admin area after' }).isDisabled()).toBe(true);
    await minutes.fill('3');
    await page.getByRole('button', { name: 'Save: Lock the admin area after' }).click();
    await expect.poll(() => header().getByRole('button', { name: 'Lock' }).getAttribute('title')).toBe('Locks by itself after 3 idle minutes');
    await shot('04-settings-light');
  });

  step('what new labs start with: the memory set here is what the editor fills in for a new lab', async () => {
    const memory = page.getByRole('region', { name: 'New labs start with' }).getByLabel('Memory', { exact: true });
    expect(await memory.inputValue()).toBe('2048');
    await memory.fill('64');
    expect(await page.getByRole('button', { name: 'Save: Memory' }).isDisabled()).toBe(true);
    await memory.fill('3072');
    await page.getByRole('button', { name: 'Save: Memory' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Save: Memory' }).isDisabled()).toBe(true);
    await page.getByRole('region', { name: 'New labs start with' }).scrollIntoViewIfNeeded();
    await shot('04b-settings-new-labs');
    await page.getByRole('button', { name: 'Back to labs' }).click();
    await page.getByRole('button', { name: 'New lab' }).click();
    await page.getByRole('heading', { name: 'New lab', level: 1 }).waitFor();
    await expect.poll(() => page.getByRole('textbox', { name: 'Memory (MiB)', exact: true }).inputValue()).toBe('3072');
    await page.getByRole('button', { name: 'Back to labs' }).click();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  });

  step('warm labs: a window that ends before it starts is refused beside it; the python lab kept warm says so and opens at once', async () => {
    const region = page.getByRole('region', { name: 'Warm labs' });
    await region.getByRole('checkbox', { name: 'Python notebook' }).check();
    await region.getByRole('button', { name: 'Add a window' }).click();
    const window1 = region.getByRole('group', { name: 'Window 1' });
    await window1.getByLabel('until').fill('08:00');
    await expect.poll(() => region.getByRole('alert').textContent()).toContain('end after it starts');
    expect(await region.getByRole('button', { name: 'Save warm labs' }).isDisabled()).toBe(true);
    await region.scrollIntoViewIfNeeded();
    await shot('04c-settings-warm-refused');
    await window1.getByRole('button', { name: 'Remove window' }).click();
    await region.getByRole('button', { name: 'Save warm labs' }).click();
    await expect.poll(() => region.getByRole('button', { name: 'Save warm labs' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Back to labs' }).click();
    const card = page.getByRole('article', { name: 'Python notebook' });
    await expect.poll(() => card.getByText('Warm: opens at once.').count(), { timeout: 120_000 }).toBe(1);
    await shot('04d-launcher-warm');
    await card.getByRole('button', { name: 'Open', exact: true }).click();
    await page.locator('iframe[title="Notebook for Python notebook"]').waitFor({ timeout: 30_000 });
    await waitForJupyterLab(page.frameLocator('iframe[title="Notebook for Python notebook"]'));
    await shot('04e-warm-lab-opened');
    await page.getByRole('button', { name: 'Back to labs' }).click();
    await card.getByRole('button', { name: 'Stop', exact: true }).click();
    // Stopped, it is made warm again; then the setting is turned off for the steps that follow.
    await expect.poll(() => card.getByText('Warm: opens at once.').count(), { timeout: 120_000 }).toBe(1);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await region.getByRole('checkbox', { name: 'Python notebook' }).uncheck();
    await region.getByRole('button', { name: 'Save warm labs' }).click();
    await expect.poll(() => region.getByRole('button', { name: 'Save warm labs' }).isDisabled()).toBe(true);
  });

  step('a course folder ClassLab refuses says why, and nothing is added', async () => {
    const field = page.getByLabel('Folder', { exact: true });
    await field.fill(os.homedir());
    await page.getByRole('button', { name: 'Add folder' }).click();
    const section = page.getByRole('region', { name: 'Approved course folders' });
    await expect.poll(() => section.getByRole('alert').textContent()).toContain('a home folder');
    expect(await section.getByRole('list').count()).toBe(0);
    await shot('05-settings-refused-folder');
  });

  step('the theme: Dark applies at once and overrides a light system; Light overrides a dark one; Follow the system follows it', async () => {
    await page.getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(theme).toBe('dark');
    expect(await background()).toBe(DARK_BG);
    await page.getByRole('region', { name: 'Approved course folders' }).getByLabel('Folder', { exact: true }).fill('');
    await shot('06-settings-dark');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('radio', { name: 'Light' }).check();
    await expect.poll(theme).toBe('light');
    expect(await background()).toBe(LIGHT_BG);
    await page.getByRole('radio', { name: 'Follow the system' }).check();
    await expect.poll(theme).toBe('system');
    expect(await background()).toBe(DARK_BG);
    // Another tab (a student's) is drawn in the machine's theme too.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('radio', { name: 'Dark' }).check();
    const other = await page.context().newPage();
    try {
      await other.goto(e2e.url);
      await other.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
      await expect.poll(() => theme(other)).toBe('dark');
    } finally {
      await other.close();
    }
  });

  step('dark: the launcher and the host terminal', async () => {
    await page.getByRole('button', { name: 'Back to labs' }).click();
    await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
    await shot('07-launcher-dark');
    await page.getByRole('button', { name: 'Host terminal', exact: true }).click();
    await page.getByRole('heading', { name: 'Host terminal', level: 1 }).waitFor();
    await expect.poll(async () => (await rows()).some((r) => r.trim() !== ''), { timeout: 30_000 }).toBe(true);
    await page.keyboard.type('echo $((6*7))');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await rows()).map((r) => r.trim()), { timeout: 30_000 }).toContain('42');
    await shot('08-host-terminal-dark');
    await header().getByRole('button', { name: 'Lock' }).click();
    await expect.poll(() => terminal().getByRole('status').filter({ hasText: 'The admin area locked' }).count(), { timeout: 15_000 }).toBe(1);
  });
});
