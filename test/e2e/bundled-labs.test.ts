// The R and Octave labs as a student meets them, in Debian's Chromium through the real `classlab serve`:
// each opens from the launcher into JupyterLab in ClassLab's frame, a new notebook on the lab's own kernel
// runs a line and shows its answer (Octave draws a plot with gnuplot too). Screenshots:
// artifacts/e2e/bundled-*.png.
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect } from 'vitest';
import { e2eRun } from '../support/e2e';
import { cellOutputs, launcherCard, shownNotebook, typeAndRun, waitForIdleKernel, waitForJupyterLab } from '../support/jupyterlab';

const e2e = e2eRun({ shotPrefix: 'bundled-', lab: 'r' });
const { shot, step } = e2e;
let page: Page;

beforeAll(() => {
  page = e2e.page;
});

const card = (title: string): Locator => page.getByRole('article', { name: title });
const frame = (title: string): FrameLocator => page.frameLocator(`iframe[title="Notebook for ${title}"]`);

/** Opens the lab from the launcher, then a new notebook on `kernel` from JupyterLab's launcher. */
async function openNotebook(title: string, kernel: string): Promise<FrameLocator> {
  await page.goto(e2e.url);
  await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
  await card(title).getByRole('button', { name: 'Open', exact: true }).click();
  await page.locator(`iframe[title="Notebook for ${title}"]`).waitFor({ timeout: 180_000 });
  const nb = frame(title);
  await waitForJupyterLab(nb);
  await launcherCard(nb, 'Notebook', kernel).click();
  await shownNotebook(nb).locator('.jp-Cell .cm-content').first().waitFor({ timeout: 60_000 });
  await waitForIdleKernel(nb, 120_000, kernel);
  return nb;
}

/** Stop in the lab view (it stays, saying the lab is not running), then back to the launcher. */
async function stopAndGoBack(title: string): Promise<void> {
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await page.getByRole('button', { name: 'Open again' }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Back to labs' }).click();
  await card(title).getByRole('button', { name: 'Open', exact: true }).waitFor({ timeout: 60_000 });
}

describe('the R and Octave labs in JupyterLab', () => {
  step(
    'R: a notebook on the R kernel answers 6 * 7 and R.version.string',
    async () => {
      const nb = await openNotebook('R notebook', 'R');
      await typeAndRun(page, nb, 'cat(6 * 7, R.version.string)');
      await expect.poll(() => cellOutputs(nb).first().textContent(), { timeout: 60_000 }).toMatch(/^42 R version 4\./);
      await shot('01-r-notebook', false);
      await stopAndGoBack('R notebook');
    },
    300_000,
  );

  step(
    'Octave: a notebook on the Octave kernel answers 6 * 7 and draws a plot',
    async () => {
      const nb = await openNotebook('Octave notebook', 'Octave');
      await typeAndRun(page, nb, 'disp(6 * 7)');
      await expect.poll(() => cellOutputs(nb, 0).first().textContent(), { timeout: 60_000 }).toContain('42');
      await typeAndRun(page, nb, 'x = linspace(0, 2*pi, 50); plot(x, sin(x))', 1);
      await cellOutputs(nb, 1).locator('img').first().waitFor({ timeout: 90_000 });
      await shot('02-octave-notebook', false);
      await stopAndGoBack('Octave notebook');
    },
    300_000,
  );
});
