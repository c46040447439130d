// JupyterLab's page (the bundled labs' notebook interface, inside ClassLab's frame) as end-to-end tests
// drive it: the launcher's cards, the file browser, a notebook's cells, its kernel indicator. JupyterLab
// gives few of these a role or an accessible name, so they are found by its own stable class names and
// data attributes (JupyterLab 4.0).
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';

/** The display name of the python lab's kernel, as the launcher and the status bar show it. */
export const PYTHON_KERNEL = 'Python 3 (ipykernel)';

/** The page is up: its main area and its file browser listing. */
export async function waitForJupyterLab(nb: FrameLocator, timeout = 120_000): Promise<void> {
  await nb.locator('#jp-main-dock-panel').waitFor({ timeout });
  await nb.locator('.jp-DirListing-content').waitFor({ timeout });
}

/** A card of the launcher: 'Notebook' and 'Console' by kernel name, 'Other' by what it makes ("Start a new terminal session"). */
export function launcherCard(nb: FrameLocator, category: 'Notebook' | 'Console' | 'Other', title: string = PYTHON_KERNEL): Locator {
  return nb.locator(`.jp-LauncherCard[data-category="${category}"][title="${title}"]`);
}

/** A file or folder the file browser lists, by its exact name. */
export function listedFile(nb: FrameLocator, name: string): Locator {
  return nb.locator('.jp-DirListing-item').filter({ has: nb.locator('.jp-DirListing-itemText').getByText(name, { exact: true }) });
}

/** The notebook in the tab shown now. */
export function shownNotebook(nb: FrameLocator): Locator {
  return nb.locator('.jp-NotebookPanel').filter({ visible: true });
}

/**
 * The shown notebook's kernel is connected and idle, as a student waits for it: the status bar's kernel
 * item says "Python 3 (ipykernel) | Idle" (it says Connecting or Initializing before). The toolbar's
 * execution indicator is no such sign: it starts out as idle before any kernel is there.
 */
export async function waitForIdleKernel(nb: FrameLocator, timeout = 90_000, kernel: string = PYTHON_KERNEL): Promise<void> {
  await nb.locator('#jp-main-statusbar').getByText(`${kernel} | Idle`, { exact: true }).waitFor({ timeout });
}

/** The workspace path of the document shown in the frame: JupyterLab keeps /lab/tree/PATH in its address. */
export function shownPath(frame: Frame): string | null {
  const m = /\/lab\/tree\/([^?#]+)/.exec(frame.url());
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

/**
 * A new notebook from the launcher's python card, in a tab of the same page (JupyterLab opens documents
 * in tabs, never in new windows). Resolves with its workspace path once its kernel is idle.
 */
export async function newNotebook(page: Page, nb: FrameLocator, frame: () => Promise<Frame>): Promise<string> {
  await launcherCard(nb, 'Notebook').click();
  await shownNotebook(nb).locator('.jp-Cell .cm-content').first().waitFor({ timeout: 60_000 });
  await waitForIdleKernel(nb);
  const f = await frame();
  let path: string | null = null;
  for (let i = 0; i < 100 && !(path = shownPath(f))?.endsWith('.ipynb'); i++) await page.waitForTimeout(100);
  if (!path?.endsWith('.ipynb')) throw new Error(`the new notebook's address is not /lab/tree/….ipynb: ${f.url()}`);
  return path;
}

/** Types `code` into the shown notebook's cell `index` and runs it (Shift+Enter), as a student does. */
export async function typeAndRun(page: Page, nb: FrameLocator, code: string, index = 0): Promise<void> {
  await shownNotebook(nb).locator('.jp-Cell').nth(index).locator('.cm-content').click();
  await page.keyboard.type(code);
  await page.keyboard.press('Shift+Enter');
}

/** The outputs of the shown notebook's cell `index`. */
export function cellOutputs(nb: FrameLocator, index = 0): Locator {
  return shownNotebook(nb).locator('.jp-Cell').nth(index).locator('.jp-OutputArea-output');
}

/**
 * Saves the shown notebook with Ctrl+S, as a student does. JupyterLab 4 offers to rename a file still
 * called Untitled on its first save; the student keeps the name.
 */
export async function saveShownNotebook(page: Page, nb: FrameLocator): Promise<void> {
  await page.keyboard.press('Control+s');
  const rename = nb.locator('.jp-Dialog').filter({ hasText: 'Rename file' }).getByRole('button', { name: 'Rename', exact: true });
  try {
    await rename.waitFor({ timeout: 5000 });
  } catch {
    return;
  }
  await rename.click();
  await rename.waitFor({ state: 'hidden' });
}
