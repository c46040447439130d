// End to end, as an instructor and then a student would: the real `classlab serve` bridge on a data folder
// of its own (no admin PIN yet), a real engine, Debian's Chromium. The first admin action (building a lab's
// image) asks to set a PIN; Lock puts the launcher in student mode, where the sandbox check asks for the
// PIN; a wrong PIN says so, five of them make the dialog count down the wait, the right one unlocks (a
// second tab follows); an admin action runs; Lock again. The two labs' images build in a second each from
// the local Debian base (a LABEL only), and are removed at the end. Screenshots: artifacts/e2e/admin-*.png.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { docker, testCatalog } from '../support/docker';
import { e2eRun } from '../support/e2e';

const PIN = '4826';
const image = (lab: string) => `classlab-e2e/${e2e.namespace}-${lab}:1`;

const e2e = e2eRun({
  shotPrefix: 'admin-',
  lab: 'tiny-a',
  prepare: async () => {
    const tiny = (id: string, title: string) => ({
      id,
      title,
      description: 'A lab whose image is one LABEL on Debian: building it is quick.',
      image: image(id),
      build: { context: 'tiny' },
      resources: { memoryMiB: 256, cpus: 1, pids: 64 },
    });
    const dir = testCatalog([tiny('tiny-a', 'Tiny lab A'), tiny('tiny-b', 'Tiny lab B')]);
    mkdirSync(path.join(dir, 'tiny'));
    writeFileSync(path.join(dir, 'tiny', 'Dockerfile'), 'FROM debian:bookworm-slim\nLABEL classlab.test=admin-lock-e2e\n');
    return { CLASSLAB_CATALOG: dir };
  },
});
const { shot, step } = e2e;
let page: Page;

afterAll(async () => {
  for (const lab of ['tiny-a', 'tiny-b'])
    await docker
      .getImage(image(lab))
      .remove({ force: true })
      .catch(() => undefined);
}, 60_000);

beforeAll(() => {
  page = e2e.page;
});

const header = () => page.getByRole('group', { name: 'Admin lock' });
const card = (title: string): Locator => page.getByRole('article', { name: title });
const setDialog = () => page.getByRole('dialog', { name: 'Set an admin PIN' });
const unlockDialog = () => page.getByRole('dialog', { name: 'Unlock the admin area' });

async function expectMode(mode: 'Student mode' | 'Admin', on: Page = page): Promise<void> {
  await expect.poll(() => on.getByRole('group', { name: 'Admin lock' }).textContent()).toContain(mode);
}

describe('the admin lock in a browser, through the bridge', () => {
  step('opens with no admin PIN: student mode, and the image builds are marked as asking for the PIN', async () => {
    await page.goto(e2e.url);
    await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
    await expectMode('Student mode');
    expect(await header().getByRole('button', { name: 'Set admin PIN' }).isVisible()).toBe(true);
    const build = card('Tiny lab A').getByRole('button', { name: 'Build image', exact: true });
    await build.waitFor();
    // Not hidden: the button is there, with a padlock, and says it asks for the PIN.
    expect(await build.getAttribute('aria-describedby')).toBe('admin-pin-hint');
    expect(await page.locator('#admin-pin-hint').textContent()).toBe('Asks for the admin PIN');
    await shot('01-no-pin');
  });

  step(
    'the first admin action asks to set a PIN; too short is refused, then the PIN is set and the build runs',
    async () => {
      await card('Tiny lab A').getByRole('button', { name: 'Build image', exact: true }).click();
      await setDialog().waitFor();
      expect(await setDialog().textContent()).toContain('Building or pulling an image is an admin action, and this computer has no admin PIN yet.');
      // The keyboard user lands in the first field.
      await expect
        .poll(() =>
          setDialog()
            .getByLabel('New PIN')
            .evaluate((el) => el === el.ownerDocument.activeElement),
        )
        .toBe(true);
      await shot('02-set-pin');
      await page.keyboard.type('12');
      await page.keyboard.press('Tab');
      await page.keyboard.type('12');
      await page.keyboard.press('Enter');
      await expect.poll(() => setDialog().getByRole('alert').textContent()).toBe('A PIN has at least 4 digits or characters.');
      await shot('03-set-pin-too-short');
      await setDialog().getByLabel('New PIN').fill(PIN);
      await setDialog().getByLabel('The same PIN again').fill(PIN);
      await setDialog().getByRole('button', { name: 'Set PIN' }).click();
      await setDialog().waitFor({ state: 'hidden' });
      await expectMode('Admin');
      // The build went on by itself once the PIN was set.
      await card('Tiny lab A').getByRole('button', { name: 'Open', exact: true }).waitFor({ timeout: 120_000 });
      await shot('04-admin-built');
    },
    180_000,
  );

  step('Lock puts the launcher in student mode', async () => {
    await header().getByRole('button', { name: 'Lock' }).click();
    await expectMode('Student mode');
    expect(await header().getByRole('button', { name: 'Unlock admin' }).isVisible()).toBe(true);
    await shot('05-locked');
  });

  step('in student mode the sandbox check asks for the PIN, and Escape leaves it not run', async () => {
    await page.getByRole('button', { name: 'Sandbox check', exact: true }).click();
    await page.getByRole('heading', { name: 'Sandbox check', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Run the check', exact: true }).click();
    await unlockDialog().waitFor();
    expect(await unlockDialog().textContent()).toContain('The sandbox check needs the admin PIN.');
    await shot('06-check-asks-pin');
    await page.keyboard.press('Escape');
    await unlockDialog().waitFor({ state: 'hidden' });
    expect(await page.getByRole('button', { name: 'Run the check', exact: true }).isEnabled()).toBe(true);
    expect(await page.getByRole('main', { name: 'Sandbox check' }).getByRole('listitem').count()).toBe(0);
    await page.getByRole('button', { name: 'Back to labs' }).click();
    await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
  });

  step(
    'a wrong PIN says "Wrong PIN."; after five the dialog counts down the wait; then the right PIN unlocks, in every tab',
    async () => {
      const other = await page.context().newPage();
      try {
        await other.goto(e2e.url);
        await expectMode('Student mode', other);
        await header().getByRole('button', { name: 'Unlock admin' }).click();
        await unlockDialog().waitFor();
        await page.keyboard.type('0000');
        await page.keyboard.press('Enter');
        await expect.poll(() => unlockDialog().getByRole('alert').textContent()).toBe('Wrong PIN.');
        // The field is emptied for the next try, and nothing else is said about the PIN.
        expect(await unlockDialog().getByLabel('Admin PIN').inputValue()).toBe('');
        await shot('07-wrong-pin');
        for (let i = 1; i < 5; i++) {
          await unlockDialog().getByLabel('Admin PIN').fill(`000${i}`);
          await unlockDialog().getByRole('button', { name: 'Unlock' }).click();
          await expect.poll(() => unlockDialog().getByRole('button', { name: 'Unlock' }).isDisabled()).toBe(true);
          await expect.poll(async () => (await unlockDialog().getByRole('status').count()) === 0).toBe(true);
        }
        const timer = unlockDialog().getByRole('timer');
        await expect.poll(() => timer.textContent()).toMatch(/^Too many wrong PINs\. You can try again in (2\d|30) s\.$/);
        expect(await unlockDialog().getByLabel('Admin PIN').isDisabled()).toBe(true);
        await shot('08-wait');
        await timer.waitFor({ state: 'hidden', timeout: 40_000 });
        await unlockDialog().getByLabel('Admin PIN').fill(PIN);
        await page.keyboard.press('Enter');
        await unlockDialog().waitFor({ state: 'hidden' });
        await expectMode('Admin');
        // One admin session for the desktop: the other tab says so too.
        await expectMode('Admin', other);
      } finally {
        await other.close();
      }
    },
    120_000,
  );

  step(
    'runs an admin action without asking again while unlocked',
    async () => {
      await card('Tiny lab B').getByRole('button', { name: 'Build image', exact: true }).click();
      await card('Tiny lab B').getByRole('button', { name: 'Open', exact: true }).waitFor({ timeout: 120_000 });
      expect(await unlockDialog().count()).toBe(0);
      expect(await page.getByRole('alert').count()).toBe(0);
      await shot('09-admin-action');
    },
    180_000,
  );

  step('locks again', async () => {
    await header().getByRole('button', { name: 'Lock' }).focus();
    await page.keyboard.press('Enter');
    await expectMode('Student mode');
    await shot('10-locked-again');
  });
});
