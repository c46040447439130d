// Issue #13 in Chromium, through the real `classlab serve`: idle auto-stop's warning in the lab view with
// "Keep working", the launcher saying why a lab was stopped, and the cap dialog offering to stop the
// longest-idle lab. A test catalog: `warnlab` with idleMinutes 1, `capa` and `capb` with 30; the bridge's
// idle clock is shortened by the test-only CLASSLAB_TEST_IDLE_CLOCK (samples every 2 s, an idle minute of
// 40 s, a 15 s warning);
// the cap is set to 2 with `classlab admin max-labs 2`. Screenshots: artifacts/e2e/idle-*.png.
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect } from 'vitest';
import { testCatalog } from '../support/docker';
import { e2eRun } from '../support/e2e';

const lab = (id: string, title: string, idleMinutes: number) => ({
  id,
  title,
  image: 'classlab/python:3',
  build: { context: 'python' },
  network: 'none',
  idleMinutes,
  resources: { memoryMiB: 768, cpus: 1, pids: 256, diskMiB: 128 },
});

const e2e = e2eRun({
  shotPrefix: 'idle-',
  lab: 'warnlab',
  prepare: async () => ({
    CLASSLAB_CATALOG: testCatalog([lab('warnlab', 'Warn lab', 1), lab('capa', 'Cap A', 30), lab('capb', 'Cap B', 30)]),
    CLASSLAB_TEST_IDLE_CLOCK: JSON.stringify({ sampleEveryMs: 2000, warnMs: 15_000, minuteMs: 40_000 }),
    // `classlab admin max-labs` is behind the admin PIN: the first admin command sets this one.
    CLASSLAB_ADMIN_PIN: '4711',
  }),
});
const { shot, step } = e2e;
let page: Page;

const card = (title: string): Locator => page.getByRole('article', { name: title });

async function openFromLauncher(title: string): Promise<void> {
  await card(title).getByRole('button', { name: 'Open', exact: true }).click();
  await page.locator(`iframe[title="Notebook for ${title}"]`).waitFor({ timeout: 180_000 });
}

async function backToLabs(): Promise<void> {
  await page.getByRole('button', { name: 'Back to labs' }).click();
  await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
}

beforeAll(() => {
  page = e2e.page;
});

describe('idle auto-stop and the cap in a browser', () => {
  step('the launcher shows the three labs; the cap is set to 2 from the command line', async () => {
    expect(await e2e.cli(['admin', 'max-labs', '2'])).toContain('At most 2 labs run at once');
    await page.goto(e2e.url);
    for (const t of ['Warn lab', 'Cap A', 'Cap B']) await card(t).waitFor();
  });

  let stopsAt = 0;
  step(
    'a lab where nothing happens warns that it will stop, with a countdown and "Keep working"',
    async () => {
      await openFromLauncher('Warn lab');
      const warning = page.getByRole('alert').filter({ hasText: 'This lab stops in' });
      await warning.waitFor({ timeout: 120_000 });
      await expect
        .poll(() => warning.textContent())
        .toMatch(/This lab stops in \d+ seconds because nothing happened in it for (less than a minute|1 minute)\./);
      // The deadline the warning announces, to check the lab outlives it after "Keep working".
      const seconds = Number(/stops in (\d+) seconds/.exec((await warning.textContent()) ?? '')?.[1]);
      expect(seconds).toBeGreaterThan(0);
      stopsAt = Date.now() + seconds * 1000;
      await shot('01-warning');
    },
    200_000,
  );

  step(
    '"Keep working" takes the warning away and the lab is not stopped at the announced time',
    async () => {
      await page.getByRole('button', { name: 'Keep working' }).click();
      await expect.poll(() => page.getByRole('alert').filter({ hasText: 'This lab stops in' }).count()).toBe(0);
      // Past the deadline that was announced: still running (its notebook is still shown).
      await new Promise((r) => setTimeout(r, Math.max(0, stopsAt + 5000 - Date.now())));
      expect(await page.locator('iframe[title="Notebook for Warn lab"]').count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Stop', exact: true }).isEnabled()).toBe(true);
      await shot('02-kept');
      // Stopped by hand for the cap's turn.
      await page.getByRole('button', { name: 'Stop', exact: true }).click();
      await page.getByRole('heading', { name: 'The lab is not running' }).waitFor({ timeout: 120_000 });
      await backToLabs();
    },
    120_000,
  );

  step(
    'one lab more than the cap: a dialog lists the running labs with their idle time and offers to stop the longest idle',
    async () => {
      await openFromLauncher('Cap A');
      await backToLabs();
      await openFromLauncher('Cap B');
      await backToLabs();
      // Let the watcher sample both (every 2 s) so their idle times are known.
      await new Promise((r) => setTimeout(r, 6000));
      await card('Warn lab').getByRole('button', { name: 'Open', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Too many labs are running' });
      await dialog.waitFor({ timeout: 60_000 });
      await expect.poll(() => dialog.textContent()).toMatch(/at most 2 labs at once, and 2 run now/);
      const list = dialog.getByRole('list', { name: 'Running labs' });
      await list.waitFor();
      const rows = await list.getByRole('listitem').allTextContents();
      expect(rows).toHaveLength(2);
      // Cap A was opened first: it has been idle longest, and is the one offered.
      expect(rows[0]).toMatch(/^Cap A — idle for (less than a minute|\d+ min) \(longest idle\)$/);
      expect(rows[1]).toMatch(/^Cap B — idle for/);
      // Nothing was stopped by the refusal itself.
      await shot('03-cap-dialog');
      expect(await page.getByRole('button', { name: 'Cancel' }).evaluate((b) => b === b.ownerDocument.activeElement)).toBe(true);
      await dialog.getByRole('button', { name: 'Stop Cap A and open Warn lab' }).click();
      await dialog.waitFor({ state: 'hidden', timeout: 120_000 });
      await page.locator('iframe[title="Notebook for Warn lab"]').waitFor({ timeout: 180_000 });
      await backToLabs();
      await expect.poll(() => card('Cap A').textContent(), { timeout: 60_000 }).toContain('Stopped');
      await expect.poll(() => card('Cap B').textContent()).toContain('Ready');
    },
    420_000,
  );

  step(
    'the launcher says why a lab was stopped for being idle',
    async () => {
      // Warn lab was opened again and nothing happens in it: warned after 25 s, stopped after its (40 s) minute.
      const reason = card('Warn lab').getByText(/^Stopped after 1 idle minute at \d\d:\d\d\./);
      await reason.waitFor({ timeout: 180_000 });
      await shot('04-launcher-reason');
      await e2e.cli(['stop', 'capb']).catch(() => '');
    },
    200_000,
  );
});
