// End to end, as a student would: the real `classlab serve` bridge, a real Docker engine and the real
// python lab, driven in Debian's Chromium. In the Files panel beside the notebook: drop a notebook and a
// 3 MB file (a DataTransfer made in the page: Playwright cannot drag files from the desktop), see them
// listed, open the notebook in the notebook frame with a double-click, download the binary back and
// compare its sha256, upload it again and keep both, delete to the trash and restore, then stop the lab
// and find the files still listed (a helper serves them) and an upload still working. Screenshots go to
// artifacts/e2e/files-*.png (git-ignored): look at them.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect } from 'vitest';
import { execIn } from '../support/docker';
import { e2eRun, labWithImage } from '../support/e2e';
import { waitForJupyterLab } from '../support/jupyterlab';

const LAB = 'python';
const FRAME = 'iframe[title^="Notebook for"]';
const e2e = e2eRun({ shotPrefix: 'files-', lab: LAB });
const { shot, step, container } = e2e;
let page: Page;

const NOTEBOOK = 'lesson six.ipynb';
const BINARY = 'blob.bin';
const notebookJson = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } },
  cells: [{ id: 'c1', cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['print(6*7)'] }],
});
const binary = randomBytes(3 * 1024 * 1024);
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const panel = (): Locator => page.getByRole('complementary', { name: 'Files' });
const grid = (): Locator => panel().getByRole('grid');
const row = (name: string): Locator =>
  grid()
    .getByRole('row')
    .filter({ has: page.getByText(name, { exact: true }) });
const selectedActions = (): Locator => panel().getByRole('toolbar', { name: 'Selected item' });

interface DropFile {
  name: string;
  base64: string;
}

/**
 * Drags files over the file list and drops them, as the desktop would: dragenter and dragover (the
 * highlight shows; `beforeDrop` can look at it), then drop, with one DataTransfer made in the page.
 */
async function dropFiles(files: DropFile[], beforeDrop?: () => Promise<void>): Promise<void> {
  const target = await grid().elementHandle();
  // Runs in the page (a string: the test's own typings have no DOM).
  const transfer = await page.evaluateHandle(
    `(() => {
      const dt = new DataTransfer();
      for (const f of ${JSON.stringify(files)}) {
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], f.name, { lastModified: Date.now() }));
      }
      return dt;
    })()`,
  );
  await target!.dispatchEvent('dragenter', { dataTransfer: transfer });
  await target!.dispatchEvent('dragover', { dataTransfer: transfer });
  await beforeDrop?.();
  await target!.dispatchEvent('drop', { dataTransfer: transfer });
}

const fileOf = (name: string, data: Buffer | string): DropFile => ({ name, base64: Buffer.from(data).toString('base64') });

async function notebookFrame(): Promise<Frame> {
  const handle = await page.locator(FRAME).elementHandle({ timeout: 120_000 });
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('the notebook frame has no content');
  return frame;
}

async function uploadDone(): Promise<string> {
  const status = panel().locator('.files-upload-done');
  await status.waitFor({ timeout: 60_000 });
  return (await status.textContent()) ?? '';
}

beforeAll(() => {
  page = e2e.page;
});

describe('the Files panel in a browser, through the bridge', () => {
  step(
    'opens the python lab with the Files panel beside the notebook',
    async () => {
      await page.goto(e2e.url);
      const { open } = await labWithImage(page);
      await open.click();
      await page.locator(FRAME).waitFor({ timeout: 120_000 });
      await panel().waitFor();
      expect(await page.getByRole('button', { name: 'Files', exact: true }).getAttribute('aria-pressed')).toBe('true');
      await grid().waitFor({ timeout: 30_000 });
      await expect.poll(() => panel().getByRole('meter', { name: 'Workspace disk use' }).getAttribute('aria-valuetext')).toMatch(/^Workspace: .+ of .+ used$/);
      // The panel and the notebook share the width: neither covers the other.
      const side = (await panel().boundingBox())!;
      const frame = (await page.locator(FRAME).boundingBox())!;
      expect(side.x + side.width).toBeLessThanOrEqual(frame.x + 1);
      await waitForJupyterLab(page.frameLocator(FRAME), 180_000);
      await shot('01-panel');
    },
    960_000,
  );

  step('uploads a dropped notebook and a 3 MB file, with a drop highlight, and lists both', async () => {
    await dropFiles([fileOf(NOTEBOOK, notebookJson), fileOf(BINARY, binary)], async () => {
      await panel().locator('.files-drop-active').waitFor();
      expect(await panel().locator('.files-drop-hint').textContent()).toBe('Drop to upload into the top folder');
      await shot('02-drag-over');
    });
    expect(await uploadDone()).toMatch(/Uploaded 2 files/);
    await row(NOTEBOOK).waitFor();
    await row(BINARY).waitFor();
    expect(await row(BINARY).locator('.col-size').textContent()).toBe('3.1 MB');
    // The bytes arrived whole, inside the lab's container.
    const { out } = await execIn(container, ['sh', '-c', `sha256sum ~/work/${BINARY}`], 'student');
    expect(out.split(' ')[0]).toBe(sha256(binary));
    await shot('03-uploaded');
  });

  step('sorts by size with a click on the column header', async () => {
    const header = grid().getByRole('columnheader', { name: /Size/ });
    await header.getByRole('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const names = await grid().locator('tbody .file-name-text').allTextContents();
    expect(names.indexOf(BINARY)).toBeLessThan(names.indexOf(NOTEBOOK));
    await grid().getByRole('columnheader', { name: /Name/ }).getByRole('button').click();
    expect(await grid().getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('ascending');
  });

  step('opens the notebook in the notebook frame with a double-click', async () => {
    await row(NOTEBOOK).dblclick();
    await expect.poll(() => page.locator(FRAME).getAttribute('src'), { timeout: 30_000 }).toContain(`/lab/tree/${encodeURIComponent(NOTEBOOK)}`);
    const frame = await notebookFrame();
    await expect.poll(() => frame.url(), { timeout: 60_000 }).toContain(`/lab/tree/${encodeURIComponent(NOTEBOOK)}`);
    // JupyterLab's notebook, its first cell's editor (CodeMirror 6).
    const cell = frame.locator('.jp-NotebookPanel .jp-Cell .cm-content').first();
    await cell.waitFor({ timeout: 60_000 });
    await expect.poll(() => cell.innerText(), { timeout: 30_000 }).toContain('print(6*7)');
    await shot('04-notebook-opened');
  });

  step('downloads the 3 MB file back with the same bytes', async () => {
    await row(BINARY).click();
    expect(await row(BINARY).getAttribute('aria-selected')).toBe('true');
    const [download] = await Promise.all([page.waitForEvent('download'), selectedActions().getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe(BINARY);
    const saved = await download.path();
    expect(sha256(await readFile(saved))).toBe(sha256(binary));
  });

  step('asks on a name clash, and keeps both', async () => {
    await dropFiles([fileOf(BINARY, binary)]);
    const dialog = page.getByRole('dialog', { name: 'This name is already taken' });
    await dialog.waitFor();
    expect(await dialog.getByRole('listitem').allTextContents()).toEqual([BINARY]);
    await shot('05-clash');
    await dialog.getByRole('button', { name: 'Keep both' }).click();
    expect(await uploadDone()).toMatch(/Kept both: blob\.bin → blob \(2\)\.bin/);
    await row('blob (2).bin').waitFor();
    await row(BINARY).waitFor();
    await shot('06-kept-both');
  });

  step('deletes to the trash, undoes, deletes again and restores from the trash', async () => {
    await row('blob (2).bin').click();
    await selectedActions().getByRole('button', { name: 'Delete' }).click();
    await panel().getByText('Moved “blob (2).bin” to the trash.').waitFor();
    await expect.poll(() => row('blob (2).bin').count(), { timeout: 30_000 }).toBe(0);
    await panel().getByRole('button', { name: 'Undo' }).click();
    await row('blob (2).bin').waitFor();

    // The keyboard: Delete on the focused row.
    await row('blob (2).bin').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => row('blob (2).bin').count(), { timeout: 30_000 }).toBe(0);
    await panel().getByRole('button', { name: 'Trash (1)' }).click();
    const trash = panel().getByRole('region', { name: 'Trash' });
    await trash.getByText('blob (2).bin', { exact: true }).waitFor();
    await shot('07-trash');
    await trash.getByRole('button', { name: 'Restore blob (2).bin' }).click();
    await trash.getByText('The trash is empty.').waitFor();
    await trash.getByRole('button', { name: 'Back to files' }).click();
    await row('blob (2).bin').waitFor();
  });

  step('makes a folder, moves a file into it, opens it with the keyboard and goes back', async () => {
    await panel().getByRole('button', { name: 'New folder' }).click();
    const create = page.getByRole('dialog', { name: 'New folder' });
    const name = create.getByRole('textbox');
    await name.fill('a/b');
    await create.getByText('A name cannot contain / or \\.').waitFor();
    expect(await create.getByRole('button', { name: 'Create' }).isDisabled()).toBe(true);
    await name.fill('data sets');
    await shot('08-new-folder');
    await create.getByRole('button', { name: 'Create' }).click();
    await row('data sets').waitFor();

    await row('blob (2).bin').click();
    await selectedActions().getByRole('button', { name: 'Move' }).click();
    const move = page.getByRole('dialog', { name: 'Move “blob (2).bin”' });
    await move.getByLabel('Destination folder').fill('/data sets');
    await move.getByRole('button', { name: 'Move' }).click();
    await expect.poll(() => row('blob (2).bin').count(), { timeout: 30_000 }).toBe(0);

    await row('data sets').focus();
    await page.keyboard.press('Enter');
    await grid().getByRole('row').filter({ hasText: 'blob (2).bin' }).waitFor();
    // The keyboard lands on the opened folder's first row.
    await expect.poll(() => row('blob (2).bin').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await panel().getByRole('navigation', { name: 'Folder path' }).getByText('data sets').waitFor();
    await shot('09-in-folder');
    await panel().getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'Workspace' }).click();
    await row('data sets').waitFor();
  });

  step('shows why a notebook could not be fetched from a URL, in the dialog: this computer is refused until trusted', async () => {
    await panel().getByRole('button', { name: 'Open from URL…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open a notebook from a URL' });
    await dialog.getByRole('textbox').fill('http://127.0.0.1:9/nothing-here.ipynb');
    await dialog.getByRole('button', { name: 'Fetch' }).click();
    const error = dialog.getByRole('alert');
    await error.waitFor({ timeout: 60_000 });
    expect(await error.textContent()).toContain('127.0.0.1 is this computer (loopback).');
    expect(await error.textContent()).toContain('classlab trust local add http://127.0.0.1:9/');
    await shot('10-url-error');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  step('fetches a notebook from a URL into the folder shown, and offers to open it', async () => {
    const served = http.createServer((req, res) => {
      if (req.url === '/course/week%201.ipynb') res.writeHead(200, { 'Content-Type': 'application/x-ipynb+json' }).end(notebookJson);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => served.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (served.address() as { port: number }).port;
      // The course server runs on this computer: the instructor allows it, as the refusal above said how.
      await e2e.cli(['trust', 'local', 'add', `http://127.0.0.1:${port}/`]);
      await panel().getByRole('button', { name: 'Open from URL…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Open a notebook from a URL' });
      await dialog.getByRole('textbox').fill(`http://127.0.0.1:${port}/course/week%201.ipynb`);
      await dialog.getByRole('button', { name: 'Fetch' }).click();
      const saved = page.getByRole('dialog', { name: 'Notebook saved' });
      await saved.getByRole('button', { name: 'Open it' }).waitFor({ timeout: 60_000 });
      expect(await saved.textContent()).toContain('Saved as week 1.ipynb');
      await shot('10b-url-fetched');
      await saved.getByRole('button', { name: 'Open it' }).click();
      await expect.poll(() => page.locator(FRAME).getAttribute('src'), { timeout: 30_000 }).toContain(`/lab/tree/${encodeURIComponent('week 1.ipynb')}`);
      await row('week 1.ipynb').waitFor({ timeout: 30_000 });
      const { out } = await execIn(container, ['sha256sum', '/home/student/work/week 1.ipynb'], 'student');
      expect(out.split(' ')[0]).toBe(sha256(Buffer.from(notebookJson)));
    } finally {
      served.close();
    }
  });

  step('uploads a whole folder with the folder picker', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'classlab-pick-'));
    const top = path.join(dir, 'picked folder');
    await mkdir(path.join(top, 'inner'), { recursive: true });
    await writeFile(path.join(top, 'a.txt'), 'first\n');
    await writeFile(path.join(top, 'inner', 'b.csv'), 'x,y\n1,2\n');
    await panel().locator('input[webkitdirectory]').setInputFiles(top);
    expect(await uploadDone()).toMatch(/Uploaded 2 files/);
    await row('picked folder').waitFor();
    const { out } = await execIn(container, ['sh', '-c', "cd '/home/student/work/picked folder' && cat a.txt inner/b.csv"], 'student');
    expect(out).toBe('first\nx,y\n1,2');
    await rm(dir, { recursive: true, force: true });
  });

  step('cancels a slow upload: nothing is listed and nothing is left in the lab', async () => {
    // The browser's own upload speed is throttled (Chrome DevTools protocol), so there is time to cancel.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'classlab-slow-'));
    await writeFile(path.join(dir, 'slow.bin'), randomBytes(40 * 1024 * 1024));
    try {
      await panel().locator('input[type="file"]:not([webkitdirectory])').setInputFiles(path.join(dir, 'slow.bin'));
      const progress = panel().getByRole('progressbar', { name: 'Upload progress' });
      await progress.waitFor({ timeout: 30_000 });
      await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 60_000 }).toBeGreaterThan(0);
      await shot('10c-uploading');
      await panel().getByRole('button', { name: 'Cancel', exact: true }).click();
      await panel().getByText('Upload cancelled; nothing of it was kept.').waitFor({ timeout: 30_000 });
      await shot('10d-cancelled');
    } finally {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await rm(dir, { recursive: true, force: true });
    }
    expect(await row('slow.bin').count()).toBe(0);
    // The server saw the client go and removed its staging folder.
    await expect
      .poll(async () => (await execIn(container, ['sh', '-c', 'ls -A /home/student/work/.classlab/incoming; ls /home/student/work'], 'student')).out, {
        timeout: 30_000,
      })
      .not.toMatch(/slow\.bin|^[0-9a-f]{16}$/m);
  });

  step('stopping the lab keeps the files listed, and an upload still works', async () => {
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByRole('button', { name: 'Open again' }).waitFor({ timeout: 120_000 });
    await panel().getByText('Lab stopped — files still available').waitFor({ timeout: 60_000 });
    await row(NOTEBOOK).waitFor();
    await row(BINARY).waitFor();
    await dropFiles([fileOf('while stopped.txt', 'written while the lab was stopped\n')]);
    expect(await uploadDone()).toMatch(/Uploaded 1 file\b/);
    await row('while stopped.txt').waitFor();
    // A notebook does not open while the lab is stopped: it says so.
    await row(NOTEBOOK).dblclick();
    await panel().getByText('Open the lab to edit this notebook.').waitFor();
    await shot('11-stopped');
  });
});
