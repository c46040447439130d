// End to end, as a student would: the real `classlab serve` bridge, a real Docker engine and the real
// python lab image, driven in Debian's Chromium. Open the launcher, build the image if it is missing, open
// the lab, run print(6*7) in a new notebook inside the embedded frame, save, stop, open again and find the
// notebook still there; then stop it from the command line and see the view notice. Screenshots go to artifacts/e2e/ (git-ignored): look at them.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Frame, Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect } from 'vitest';
import { REPO } from '../support/docker';
import { e2eRun } from '../support/e2e';
import { cellOutputs, listedFile, newNotebook, saveShownNotebook, typeAndRun, waitForJupyterLab } from '../support/jupyterlab';
import { CLI } from '../support/serve';

const run = promisify(execFile);
const root = REPO;
const cli = CLI;
const LAB = 'python';
const FRAME = 'iframe[title^="Notebook for"]';

const e2e = e2eRun({ shotPrefix: '', lab: LAB });
const { shot, step } = e2e;
let page: Page;
let uiUrl = '';
let env: NodeJS.ProcessEnv = {};
/** The notebook file the test created, relative to the workspace (e.g. "Untitled.ipynb"). */
let notebookPath = '';

function labCard(): Locator {
  return page.getByRole('article', { name: /Python/ });
}

async function notebookFrame(): Promise<Frame> {
  const handle = await page.locator(FRAME).elementHandle({ timeout: 120_000 });
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('the notebook frame has no content');
  return frame;
}

beforeAll(() => {
  page = e2e.page;
  uiUrl = e2e.url;
  env = e2e.env;
});

describe('the launcher in a browser, through the bridge', () => {
  step('shows the Labs heading and the Python lab card, and drops the token from the address bar', async () => {
    await page.goto(uiUrl);
    await expect.poll(() => page.getByRole('heading', { name: 'Labs', level: 1 }).isVisible(), { timeout: 30_000 }).toBe(true);
    await labCard().waitFor();
    await expect
      .poll(() =>
        labCard()
          .getByRole('heading', { name: /Python/ })
          .isVisible(),
      )
      .toBe(true);
    // The token was read from the #fragment and removed, so a copied address does not carry it.
    expect(page.url()).not.toContain('token');
    await shot('01-launcher');
    // A reload keeps working: the token stays in this tab's session storage.
    await page.reload();
    await labCard().waitFor();
  });

  step('says the link has expired when the token is wrong', async () => {
    const other = await page.context().newPage();
    try {
      await other.goto(uiUrl.replace(/#token=.*/, '#token=not-the-token'));
      await other.getByRole('heading', { name: 'This link has expired' }).waitFor();
      await expect.poll(() => other.getByText(/run `?classlab serve`? again and open the new address/).isVisible()).toBe(true);
    } finally {
      await other.close();
    }
  });

  step(
    'builds the image when it is missing',
    async () => {
      const card = labCard();
      const build = card.getByRole('button', { name: /^(Build|Pull) image$/ });
      const open = card.getByRole('button', { name: 'Open', exact: true });
      await expect.poll(async () => (await build.isVisible()) || (await open.isVisible())).toBe(true);
      if (await build.isVisible()) {
        await build.click();
        await card.getByRole('progressbar').waitFor();
        await shot('02-building');
        await open.waitFor({ timeout: 900_000 });
      }
      await expect.poll(() => open.isEnabled()).toBe(true);
    },
    960_000,
  );

  step('opens the lab: progress while it starts, then the notebook in a frame', async () => {
    await labCard().getByRole('button', { name: 'Open', exact: true }).click();
    const starting = page.getByRole('heading', { name: 'Starting the notebook…' });
    if (await starting.isVisible()) await shot('03-starting');
    const frame = page.locator(FRAME);
    await frame.waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByRole('heading', { name: /Python/, level: 1 }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Back to labs' }).isVisible()).toBe(true);
    // The frame fills the area below the toolbar, beside the Files panel (320 px of the 1280).
    const box = await frame.boundingBox();
    const files = await page.getByRole('complementary', { name: 'Files' }).boundingBox();
    expect(box?.width).toBeGreaterThan(1280 - (files?.width ?? 0) - 40);
    expect(box?.width).toBeGreaterThan(900);
    expect(box?.height).toBeGreaterThan(650);
    // JupyterLab's page (its launcher and file browser), inside the frame.
    await waitForJupyterLab(page.frameLocator(FRAME), 60_000);
    await shot('04-jupyterlab');
  });

  step('creates a Python 3 notebook in the frame, runs print(6*7), reads 42 and saves', async () => {
    const nb = page.frameLocator(FRAME);
    // JupyterLab opens the new notebook in a tab of the same page, never in a new window (which the
    // Electron shell refuses).
    const popups: unknown[] = [];
    page.on('popup', (p) => popups.push(p));
    // Made from the launcher's Python card; ready once its kernel is idle, as a student waits for it.
    notebookPath = await newNotebook(page, nb, notebookFrame);
    expect(popups).toHaveLength(0);
    expect(notebookPath).toMatch(/\.ipynb$/);

    await typeAndRun(page, nb, 'print(6*7)');
    await expect.poll(() => cellOutputs(nb, 0).first().textContent(), { timeout: 60_000 }).toContain('42');
    await shot('05-printed-42');

    await saveShownNotebook(page, nb);
    // Saved means the file on the server holds the cell and its output: ask the notebook server itself,
    // from inside the frame (its origin, its login cookie).
    const frame = await notebookFrame();
    const saved = (): Promise<string> =>
      frame.evaluate(async (p) => {
        const res = await fetch(`/api/contents/${encodeURI(p)}?content=1`);
        if (!res.ok) return `HTTP ${res.status}`;
        const nbJson = (await res.json()) as { content: { cells: { source: string; outputs?: { text?: string }[] }[] } };
        return nbJson.content.cells.map((c) => `${c.source} => ${(c.outputs ?? []).map((o) => o.text ?? '').join('')}`).join(' | ');
      }, notebookPath);
    await expect.poll(saved, { timeout: 30_000 }).toMatch(/^print\(6\*7\) => 42\n/);
    await shot('06-saved');
  });

  step('goes back and stops the lab; a reset asks first and says the workspace is kept', async () => {
    await page.getByRole('button', { name: 'Back to labs' }).click();
    await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
    const card = labCard();
    await card.getByRole('button', { name: 'Stop', exact: true }).click();
    await card.getByText('Stopped', { exact: true }).waitFor({ timeout: 120_000 });
    await shot('07-stopped');

    await card.getByRole('button', { name: 'Reset', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /Reset/ });
    await dialog.waitFor();
    await expect.poll(() => dialog.textContent()).toMatch(/workspace and its files are kept/);
    await shot('08-reset-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await card.getByText('Stopped', { exact: true }).waitFor();
  });

  step('opens the lab again: the saved notebook is still listed', async () => {
    await labCard().getByRole('button', { name: 'Open', exact: true }).click();
    await page.locator(FRAME).waitFor({ timeout: 120_000 });
    await listedFile(page.frameLocator(FRAME), notebookPath).waitFor({ timeout: 60_000 });
    await shot('09-reopened');
  });

  step('notices when the lab is stopped elsewhere and offers to open it again', async () => {
    // Another process (a workshop host's script) stops the lab while the student looks at it.
    await run(process.execPath, [cli, 'stop', LAB], { cwd: root, env, timeout: 120_000 });
    await page.getByRole('button', { name: 'Open again' }).waitFor({ timeout: 60_000 });
    expect(await page.locator(FRAME).count()).toBe(0);
    await shot('10-stopped-elsewhere');
    // A stop is a stop, not a failed start: the phase says Stopped (Docker's events and reconciliation).
    const toolbar = page.getByRole('banner').filter({ has: page.getByRole('button', { name: 'Back to labs' }) });
    await expect
      .poll(() => toolbar.getByText('Stopped', { exact: true }).isVisible(), {
        timeout: 20_000,
        message: `the lab view shows the phase Stopped (it shows: ${await page.getByRole('main').textContent()})`,
      })
      .toBe(true);
  });
});
