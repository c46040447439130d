// A lab on a JupyterHub as a student meets it (issue #16), in Debian's Chromium through the real
// `classlab serve`: a real JupyterHub (test/support/jupyterhub.ts) added with `classlab hub add` (token
// from the environment, behind the admin PIN); the launcher shows the local Python lab and the hub's lab
// side by side, the hub's marked as on the server; Open starts the server on the hub with its progress,
// JupyterLab opens in ClassLab's frame through the hub gate, a notebook on the hub's kernel runs
// print(6*7); Stop stops it on the hub. Screenshots: artifacts/e2e/hub-*.png.
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { E2E_ADMIN_PIN, e2eRun } from '../support/e2e';
import { TestHub } from '../support/jupyterhub';
import { cellOutputs, launcherCard, shownNotebook, typeAndRun, waitForIdleKernel, waitForJupyterLab } from '../support/jupyterlab';

const hub = new TestHub(`e2e-hub-${Math.random().toString(16).slice(2, 8)}`);
let token = '';
const e2e = e2eRun({
  shotPrefix: 'hub-',
  lab: 'python',
  prepare: async () => {
    await hub.start();
    // A token as the hub's token page makes it (every permission of the user): ClassLab narrows it.
    token = await hub.userToken('student', ['inherit']);
    return {};
  },
  commands: () => [{ args: ['hub', 'add', hub.url], env: { CLASSLAB_HUB_TOKEN: token, CLASSLAB_ADMIN_PIN: E2E_ADMIN_PIN } }],
});
const { shot, step } = e2e;
let page: Page;
const hubTitle = () => `127.0.0.1:${hub.port} (student)`;

beforeAll(() => {
  page = e2e.page;
});
afterAll(async () => {
  await hub.remove();
});

describe('a lab on a JupyterHub in the launcher', () => {
  step(
    'the launcher shows the local lab and the hub lab side by side, the hub one marked as on the server',
    async () => {
      await page.goto(e2e.url);
      await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
      const local = page.getByRole('article', { name: 'Python notebook' });
      const remote = page.getByRole('article', { name: hubTitle() });
      await local.waitFor();
      await remote.waitFor();
      await expect.poll(() => remote.textContent()).toContain('On the server');
      await expect.poll(() => remote.textContent()).toContain('Stopped');
      await shot('01-launcher');
    },
    120_000,
  );

  step(
    'Open starts the server on the hub and JupyterLab runs print(6*7) on the hub kernel',
    async () => {
      await page.getByRole('article', { name: hubTitle() }).getByRole('button', { name: 'Open', exact: true }).click();
      const frameSel = `iframe[title="Notebook for ${hubTitle()}"]`;
      await page.locator(frameSel).waitFor({ timeout: 120_000 });
      const src = await page.locator(frameSel).getAttribute('src');
      // The hub gate's address, with the gate's own key (never the hub's token: checked below).
      expect(src).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/user\/student\/lab\?token=[0-9a-f]{48}$/);
      expect(new URL(src!).port).not.toBe(String(hub.port));
      expect(src).not.toContain(token);
      const nb: FrameLocator = page.frameLocator(frameSel);
      await waitForJupyterLab(nb);
      await launcherCard(nb, 'Notebook').click();
      await shownNotebook(nb).locator('.jp-Cell .cm-content').first().waitFor({ timeout: 60_000 });
      await waitForIdleKernel(nb, 120_000);
      await typeAndRun(page, nb, 'print(6*7)');
      await expect.poll(() => cellOutputs(nb).first().textContent(), { timeout: 60_000 }).toBe('42\n');
      await shot('02-hub-notebook', false);
    },
    300_000,
  );

  step(
    'Stop stops the server on the hub',
    async () => {
      await page.getByRole('button', { name: 'Stop', exact: true }).click();
      await page.getByRole('button', { name: 'Open again', exact: true }).waitFor({ timeout: 60_000 });
      await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Your server on the hub is not running');
      const model = (await (await hub.admin('GET', 'users/student')).json()) as { servers: Record<string, unknown> };
      expect(model.servers).toEqual({});
      await shot('03-stopped');
    },
    120_000,
  );
});
