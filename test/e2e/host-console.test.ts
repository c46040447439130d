// End to end, as a workshop host would (issue #13): the real `classlab serve` on a data folder and
// namespace of its own, a real engine, Debian's Chromium. Two labs on a tag of the python image made for
// this run (one running, opened through the CLI; one never opened) and an orphan volume. "This machine"
// asks to set the admin PIN, then shows both labs with their figures (the running one with CPU, memory,
// disk and a sparkline that grows as it is sampled), sorts by a column, stops a lab from its row, removes
// the orphan, and resets the machine: the plan's list first, then the progress, then a fresh launcher,
// with nothing of the namespace left in Docker and the running lab's workspace backed up.
// Screenshots: artifacts/e2e/room-*.png, copied to /work/wt/shots when that folder exists.
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { docker, testCatalog } from '../support/docker';
import { ARTIFACTS, e2eRun } from '../support/e2e';

const PIN = '4826';
const SHOTS = '/work/wt/shots';
const image = () => `classlab-e2e/${e2e.namespace}-python:1`;

const e2e = e2eRun({
  shotPrefix: 'room-',
  lab: 'roa',
  prepare: async () => {
    await docker.getImage('classlab/python:3').tag({ repo: `classlab-e2e/${e2e.namespace}-python`, tag: '1' });
    const lab = (id: string, title: string) => ({
      id,
      title,
      description: 'A python lab for the host console test.',
      image: image(),
      build: { context: 'python' },
      network: 'none',
      resources: { memoryMiB: 512, cpus: 1, pids: 256, diskMiB: 128 },
    });
    return { CLASSLAB_CATALOG: testCatalog([lab('roa', 'Room lab A'), lab('rob', 'Room lab B')]) };
  },
});
const { step } = e2e;
let page: Page;

/** The screenshot (with its accessibility check), and a copy where the engineer looks at them. */
async function shot(name: string): Promise<void> {
  await e2e.shot(name);
  if (existsSync(SHOTS)) copyFileSync(path.join(ARTIFACTS, `room-${name}.png`), path.join(SHOTS, `room-${name}.png`));
}

async function labelled(): Promise<string[]> {
  const filters = { label: [`classlab.instance=${e2e.namespace}`] };
  const [c, v, n] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listVolumes({ filters }), docker.listNetworks({ filters })]);
  return [...c.map((x) => x.Names[0]!), ...(v.Volumes ?? []).map((x) => x.Name), ...n.map((x) => x.Name)];
}

afterAll(async () => {
  await docker
    .getImage(image())
    .remove()
    .catch(() => undefined);
}, 60_000);

beforeAll(() => {
  page = e2e.page;
});

const row = (labId: string): Locator => page.locator(`tr[data-lab="${labId}"]`);

describe('the workshop host console in a browser', () => {
  step(
    'a running lab (opened by the CLI), a stopped one and an orphan volume; This machine asks to set the PIN, then shows both labs',
    async () => {
      await e2e.cli(['open', 'roa']);
      await docker.createVolume({
        Name: `${e2e.namespace}-ghost-workspace`,
        Labels: { 'classlab.instance': e2e.namespace, 'classlab.lab': 'ghost', 'classlab.role': 'workspace' },
      });
      await page.goto(e2e.url);
      await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'This machine', exact: true }).click();
      const setDialog = page.getByRole('dialog', { name: 'Set an admin PIN' });
      await setDialog.waitFor();
      await setDialog.getByLabel('New PIN').fill(PIN);
      await setDialog.getByLabel('The same PIN again').fill(PIN);
      await setDialog.getByRole('button', { name: 'Set PIN' }).click();
      await page.getByRole('heading', { name: 'This machine', level: 1 }).waitFor();
      await expect.poll(() => row('roa').locator('td').nth(1).textContent(), { timeout: 60_000 }).toMatch(/% of 100%/);
      expect(await row('roa').locator('td').nth(2).textContent()).toMatch(/MB of 537 MB/);
      expect(await row('roa').locator('td').nth(3).textContent()).toMatch(/of 134 MB/);
      expect(await row('rob').textContent()).toContain('Stopped');
      expect(await row('rob').locator('td').nth(1).textContent()).toBe('–');
      // Totals against the machine's cores and memory.
      const totals = page.getByRole('region', { name: 'Machine totals' });
      expect(await totals.textContent()).toMatch(/1 of 2/);
      expect(await totals.textContent()).toMatch(/cores/);
      // The sparkline grows with each sample (every 5 s while the screen is open).
      await expect.poll(() => row('roa').locator('svg.sparkline-cpu polyline').first().getAttribute('points'), { timeout: 30_000 }).toMatch(/^\S+ \S+/);
      expect(await page.getByRole('region', { name: 'Left behind' }).textContent()).toContain(`${e2e.namespace}-ghost-workspace`);
      await shot('01-overview');
      await page.emulateMedia({ colorScheme: 'dark' });
      await shot('02-overview-dark');
      await page.emulateMedia({ colorScheme: 'light' });
    },
    240_000,
  );

  step('sorts by a column from the keyboard, and says how it is sorted', async () => {
    const memory = page.getByRole('button', { name: 'Memory', exact: true });
    await memory.focus();
    await page.keyboard.press('Enter');
    const th = page.locator('th', { has: memory });
    expect(await th.getAttribute('aria-sort')).toBe('descending');
    expect(await page.locator('tbody tr').first().getAttribute('data-lab')).toBe('roa');
    await page.keyboard.press('Enter');
    expect(await th.getAttribute('aria-sort')).toBe('ascending');
    // A lab without figures stays last either way.
    expect(await page.locator('tbody tr').last().getAttribute('data-lab')).toBe('rob');
  });

  step(
    'stops a lab from its row',
    async () => {
      await row('roa').getByRole('button', { name: 'Stop Room lab A' }).click();
      await expect.poll(() => row('roa').textContent(), { timeout: 90_000 }).toContain('Stopped');
      await expect.poll(() => row('roa').locator('td').nth(1).textContent(), { timeout: 30_000 }).toBe('–');
      expect((await docker.getContainer(`${e2e.namespace}-roa`).inspect()).State.Running).toBe(false);
      await shot('03-stopped');
    },
    120_000,
  );

  step(
    'removes the orphan volume after a confirmation',
    async () => {
      const left = page.getByRole('region', { name: 'Left behind' });
      await left.getByRole('button', { name: 'Remove it' }).click();
      const confirm = page.getByRole('dialog', { name: 'Remove what was left behind?' });
      await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
      await expect.poll(() => left.textContent(), { timeout: 30_000 }).toContain('Nothing');
      expect(await labelled()).not.toContain(`${e2e.namespace}-ghost-workspace`);
    },
    60_000,
  );

  step(
    'resets the machine: the list first, then the progress, then a fresh launcher; nothing labelled is left and the workspace is backed up',
    async () => {
      expect((await labelled()).length).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Reset this machine…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Reset this machine' });
      const labsList = dialog.getByRole('list', { name: 'Labs that are reset' });
      await labsList.waitFor();
      expect(await labsList.textContent()).toMatch(/Room lab A — its workspace is backed up first/);
      expect(await labsList.textContent()).toMatch(/Room lab B — not backed up. It has no workspace yet/);
      expect(await dialog.textContent()).toContain(path.join(e2e.env.CLASSLAB_HOME!, 'backups'));
      await shot('04-reset-plan');
      await dialog.getByRole('button', { name: 'Back up, then reset' }).click();
      await dialog.getByText('This machine is reset.').waitFor({ timeout: 180_000 });
      expect(await dialog.textContent()).toContain('Backups (checked)');
      await shot('05-reset-done');
      await dialog.getByRole('button', { name: 'Back to the labs' }).click();
      await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
      await expect.poll(() => page.getByRole('article', { name: 'Room lab A' }).textContent()).toContain('Stopped');
      await shot('06-fresh-launcher');
      expect(await labelled()).toEqual([]);
      const backups = readdirSync(path.join(e2e.env.CLASSLAB_HOME!, 'backups', 'roa'));
      expect(backups.filter((f) => f.endsWith('.tar.gz'))).toHaveLength(1);
    },
    300_000,
  );
});
