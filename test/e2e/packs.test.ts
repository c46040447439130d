// End to end, as an instructor and then a student's PC would (issue #11): two real `classlab serve` bridges
// on one real Docker engine, each with its own data folder and namespace, in Debian's Chromium.
// The instructor's bridge (the bundled catalog) exports the python lab from the launcher: an export
// cancelled once under way, then a whole one with its progress bar, saved as a download; its signer fingerprint is
// what the instructor hands out. The student's bridge (a catalog without the python lab, a fresh data folder)
// gets that file dropped on its launcher: the dialog says what the pack holds and who signed it, asks to
// trust that fingerprint, imports with one bar, and the python lab appears in the launcher (labs:changed,
// no reload) and opens, its notebook answering. Before that, the pack with one byte changed is refused at
// import with PACK_INVALID, its signer left untrusted; after, the same pack again changes nothing, and a
// truncated copy chosen with the picker is refused with PACK_INVALID and changes nothing. Screenshots: artifacts/e2e/packs-*.png.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { copyFile, open as openFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { testCatalog } from '../support/docker';
import { answerAdminPrompt, e2eRun, labWithImage, NOTEBOOK_FRAME } from '../support/e2e';
import { waitForJupyterLab } from '../support/jupyterlab';

const LAB = 'python';
const work = mkdtempSync(path.join(os.tmpdir(), 'classlab-e2e-packs-'));
const packPath = path.join(work, 'python.classlab');
const truncatedPath = path.join(work, 'truncated.classlab');
const changedPath = path.join(work, 'changed.classlab');
let catalogDir = '';

const instructor = e2eRun({ shotPrefix: 'packs-a', lab: LAB });
const student = e2eRun({
  shotPrefix: 'packs-b',
  lab: LAB,
  // No python lab in this PC's catalog: it arrives with the pack.
  prepare: async () => {
    catalogDir = testCatalog([]);
    return { CLASSLAB_CATALOG: catalogDir };
  },
});
/** The fingerprint the instructor's export showed: what they would write on the board. */
let fingerprint = '';

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  if (catalogDir) rmSync(catalogDir, { recursive: true, force: true });
});

const dialog = (page: Page, name: string): Locator => page.getByRole('dialog', { name });

/** The export dialog picks every lab whose image is here: keep only the python lab (the others' images are gigabytes). */
async function onlyPython(d: Locator): Promise<void> {
  const boxes = d.getByRole('checkbox');
  await expect.poll(() => boxes.count()).toBeGreaterThan(0);
  for (const box of await boxes.all()) {
    const label = (await box.evaluate((el) => el.closest('label')?.textContent ?? el.getAttribute('aria-label') ?? '')) || '';
    if (/Python notebook/.test(label)) await box.check();
    else if (await box.isChecked()) await box.uncheck();
  }
  expect(await d.getByRole('checkbox', { checked: true }).count()).toBe(1);
}
/** Packs are admin actions: the first one on a PC sets the admin PIN, a later one after the idle lock unlocks. */
const admin = (page: Page) => answerAdminPrompt(page, undefined, 2000);
const cards = (page: Page): Locator => page.getByRole('article');

/**
 * Drops a file from disk on the launcher as the desktop would: the file enters the page through a file
 * input by its path (the browser reads it from disk; neither this test nor page script reads its bytes),
 * moves into a DataTransfer, and dragenter, dragover and drop are dispatched on the launcher's main area.
 */
async function dropOnLauncher(page: Page, file: string, beforeDrop?: () => Promise<void>): Promise<void> {
  // Runs in the page (strings: the test's own typings have no DOM).
  await page.evaluate(`(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'e2e-drop-source';
    input.hidden = true;
    document.body.append(input);
  })()`);
  await page.locator('#e2e-drop-source').setInputFiles(file);
  const transfer = await page.evaluateHandle(`(() => {
    const input = document.getElementById('e2e-drop-source');
    const dt = new DataTransfer();
    dt.items.add(input.files[0]);
    input.remove();
    return dt;
  })()`);
  const target = page.locator('main');
  await target.dispatchEvent('dragenter', { dataTransfer: transfer });
  await target.dispatchEvent('dragover', { dataTransfer: transfer });
  await beforeDrop?.();
  await target.dispatchEvent('drop', { dataTransfer: transfer });
}

/** A copy of the pack with one byte changed halfway through (inside an image layer), as a bad USB stick would. */
async function writeChangedCopy(from: string, to: string): Promise<void> {
  await copyFile(from, to);
  const f = await openFile(to, 'r+');
  try {
    const at = Math.floor(statSync(to).size / 2);
    const byte = Buffer.alloc(1);
    await f.read(byte, 0, 1, at);
    byte[0] = byte[0]! ^ 0xff;
    await f.write(byte, 0, 1, at);
  } finally {
    await f.close();
  }
}

/** A copy of the pack cut off after half its bytes, as a copy interrupted on a USB stick would be. */
async function writeTruncatedCopy(from: string, to: string): Promise<void> {
  const size = statSync(from).size;
  const src = await openFile(from, 'r');
  const dst = await openFile(to, 'w');
  try {
    const chunk = Buffer.alloc(8 * 1024 * 1024);
    for (let at = 0; at < Math.floor(size / 2);) {
      const { bytesRead } = await src.read(chunk, 0, Math.min(chunk.length, Math.floor(size / 2) - at), at);
      if (bytesRead === 0) break;
      await dst.write(chunk, 0, bytesRead);
      at += bytesRead;
    }
  } finally {
    await src.close();
    await dst.close();
  }
}

describe("the instructor's computer exports the python lab", () => {
  let page: Page;
  beforeAll(() => {
    page = instructor.page;
  });

  instructor.step(
    'shows the pack buttons on the launcher, with the python image there',
    async () => {
      await page.goto(instructor.url);
      await labWithImage(page);
      await page.getByRole('button', { name: 'Export lab pack…' }).waitFor();
      await page.getByRole('button', { name: 'Import lab pack…' }).waitFor();
      await instructor.shot('01-launcher');
    },
    960_000,
  );

  instructor.step('chooses the labs to export; a cancelled export says no file was written', async () => {
    await page.getByRole('button', { name: 'Export lab pack…' }).click();
    await admin(page);
    const d = dialog(page, 'Export lab pack');
    await d.waitFor();
    expect(await d.getByRole('checkbox', { name: /Python notebook/ }).isChecked()).toBe(true);
    await onlyPython(d);
    // Before the first export this computer has no key yet, and says so.
    await d.getByText('This computer has no signing key yet').waitFor();
    await instructor.shot('02-export-choose');
    await d.getByRole('button', { name: 'Export', exact: true }).click();
    const bar = d.getByRole('progressbar', { name: 'Export progress' });
    await bar.waitFor();
    // Cancel once the core has said what it is doing (the first progress event).
    await expect.poll(async () => (await d.getByRole('status').textContent()) ?? '', { timeout: 60_000 }).not.toMatch(/^Starting the export/);
    await d.getByRole('button', { name: 'Cancel' }).click();
    await d.getByText('Export cancelled: no file was written.').waitFor({ timeout: 60_000 });
    await instructor.shot('03-export-cancelled');
    await d.getByRole('button', { name: 'Close' }).click();
    await d.waitFor({ state: 'hidden' });
    // The focus goes back to the button that opened the dialog.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Export lab pack…');
  });

  instructor.step(
    'exports the python lab with one progress bar, shows the signer fingerprint and saves the file',
    async () => {
      await page.getByRole('button', { name: 'Export lab pack…' }).click();
      await admin(page);
      const d = dialog(page, 'Export lab pack');
      await d.waitFor();
      await onlyPython(d);
      await d.getByRole('button', { name: 'Export', exact: true }).click();
      const bar = d.getByRole('progressbar', { name: 'Export progress' });
      await bar.waitFor();
      await expect.poll(async () => Number((await bar.getAttribute('aria-valuenow')) ?? 0), { timeout: 600_000, interval: 500 }).toBeGreaterThan(0);
      await instructor.shot('04-exporting');
      const save = d.getByRole('button', { name: 'Save python.classlab' });
      await save.waitFor({ timeout: 1_200_000 });
      await d.getByText(/^python\.classlab is ready \(\d[\d.]* [KMG]B\)\.$/).waitFor();
      fingerprint = ((await d.locator('.fingerprint').textContent()) ?? '').trim();
      expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      await instructor.shot('05-export-done');
      const download = page.waitForEvent('download', { timeout: 120_000 });
      await save.click();
      const file = await download;
      expect(file.suggestedFilename()).toBe('python.classlab');
      await file.saveAs(packPath);
      expect(statSync(packPath).size).toBeGreaterThan(50 * 1024 * 1024);
      await d.getByText('Saving python.classlab: your browser shows the download.').waitFor();
      await d.getByRole('button', { name: 'Close' }).click();
      // Opened again, the dialog names this computer's key before any export: the same fingerprint.
      await page.getByRole('button', { name: 'Export lab pack…' }).click();
      await admin(page);
      await expect.poll(async () => (await d.locator('.fingerprint').textContent()) ?? '').toBe(fingerprint);
      await d.getByRole('button', { name: 'Cancel' }).click();
      await d.waitFor({ state: 'hidden' });
    },
    1_500_000,
  );
});

describe("a student's computer imports the pack dropped on its launcher", () => {
  let page: Page;
  beforeAll(() => {
    page = student.page;
  });

  student.step('starts with no python lab', async () => {
    expect(fingerprint, 'the export before this failed: there is no pack to import').not.toBe('');
    await page.goto(student.url);
    await page.getByText('There are no labs in the catalog yet.').waitFor();
    expect(await cards(page).count()).toBe(0);
  });

  student.step(
    'a pack with one byte changed shows what it claims, and is refused at import with PACK_INVALID: nothing changes',
    async () => {
      await writeChangedCopy(packPath, changedPath);
      await dropOnLauncher(page, changedPath);
      expect(await admin(page)).toBe(true);
      const d = dialog(page, 'Import lab pack');
      const alert = d.getByRole('alert');
      const trust = d.getByRole('checkbox', { name: `Trust lab packs signed by ${fingerprint}?` });
      // Its signed manifest is whole, so the summary shows; the changed byte is found when every part is checked.
      await expect.poll(async () => (await trust.isVisible()) || (await alert.isVisible()), { timeout: 300_000 }).toBe(true);
      if (await trust.isVisible()) {
        await trust.check();
        await d.getByRole('button', { name: 'Trust and import' }).click();
      }
      await alert.waitFor({ timeout: 600_000 });
      expect(await alert.getAttribute('data-code')).toBe('PACK_INVALID');
      expect(await d.getByText('Imported.', { exact: true }).count()).toBe(0);
      await student.shot('01-changed-byte-refused');
      await d.getByRole('button', { name: 'Close' }).click();
      await d.waitFor({ state: 'hidden' });
      await page.getByText('There are no labs in the catalog yet.').waitFor();
    },
    960_000,
  );

  student.step(
    'shows what the dropped pack holds and who signed it, and asks to trust that fingerprint (the refused pack left it untrusted)',
    async () => {
      await dropOnLauncher(page, packPath, async () => {
        await page.getByText('Drop the .classlab file to import its labs').waitFor();
        await student.shot('02-drag-over');
      });
      await admin(page);
      const d = dialog(page, 'Import lab pack');
      const trust = d.getByRole('checkbox', { name: `Trust lab packs signed by ${fingerprint}?` });
      await trust.waitFor({ timeout: 300_000 });
      await d.getByText(/^python\.classlab · \d[\d.]* [KMG]B · made by ClassLab /).waitFor();
      const lab = d.getByRole('listitem').filter({ hasText: 'Python notebook' });
      await lab.getByText('New', { exact: true }).waitFor();
      await d.getByText('classlab/python:3', { exact: true }).waitFor();
      await d.getByText('Signed by a key this computer does not trust yet.').waitFor();
      expect(await d.locator('.fingerprint').first().textContent()).toBe(fingerprint);
      // Import waits for the answer.
      const importButton = d.getByRole('button', { name: 'Trust and import' });
      expect(await importButton.isDisabled()).toBe(true);
      await student.shot('03-pack-summary');
      await trust.check();
      expect(await importButton.isEnabled()).toBe(true);
      await student.shot('04-trust-answered');
    },
    360_000,
  );

  student.step(
    'imports with one progress bar and says the python lab was added; the launcher shows it without a reload',
    async () => {
      const d = dialog(page, 'Import lab pack');
      await d.getByRole('button', { name: 'Trust and import' }).click();
      const bar = d.getByRole('progressbar', { name: 'Import progress' });
      const done = d.getByText('Imported.', { exact: true });
      await expect.poll(async () => (await bar.isVisible()) || (await done.isVisible()), { timeout: 60_000 }).toBe(true);
      if (await bar.isVisible()) await student.shot('05-importing');
      await done.waitFor({ timeout: 900_000 });
      await d.getByText('Added: Python notebook.').waitFor();
      await student.shot('06-imported');
      // Behind the dialog, labs:changed has already put the new lab in the launcher.
      await d.getByRole('button', { name: 'Close' }).click();
      await d.waitFor({ state: 'hidden' });
      await page.getByRole('article', { name: /Python/ }).waitFor({ timeout: 30_000 });
      expect(await cards(page).count()).toBe(1);
      await student.shot('07-launcher-with-lab');
    },
    960_000,
  );

  student.step(
    'opens the imported lab: its notebook answers',
    async () => {
      await page
        .getByRole('article', { name: /Python/ })
        .getByRole('button', { name: 'Open', exact: true })
        .click();
      await page.locator(NOTEBOOK_FRAME).waitFor({ timeout: 180_000 });
      await waitForJupyterLab(page.frameLocator(NOTEBOOK_FRAME), 180_000);
      await student.shot('08-lab-open');
      await page.getByRole('button', { name: 'Back to labs' }).click();
      await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
    },
    420_000,
  );

  student.step(
    'the same pack again, while the lab runs: trusted now, and nothing changes',
    async () => {
      await dropOnLauncher(page, packPath);
      await admin(page);
      const d = dialog(page, 'Import lab pack');
      await d.getByText('Signed by a key this computer trusts.').waitFor({ timeout: 300_000 });
      expect(await d.getByRole('checkbox').count()).toBe(0);
      await d.getByRole('listitem').filter({ hasText: 'Python notebook' }).getByText('Already here', { exact: true }).waitFor();
      await student.shot('09-same-pack');
      await d.getByRole('button', { name: 'Import', exact: true }).click();
      await d.getByText('Nothing changed: this exact pack was already installed.').waitFor({ timeout: 900_000 });
      await student.shot('10-unchanged');
      await d.getByRole('button', { name: 'Close' }).click();
      await d.waitFor({ state: 'hidden' });
      expect(await cards(page).count()).toBe(1);
    },
    960_000,
  );

  student.step(
    'a truncated pack chosen with the picker is refused with PACK_INVALID, and nothing changes',
    async () => {
      await writeTruncatedCopy(packPath, truncatedPath);
      const before = await cards(page).allTextContents();
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Import lab pack…' }).click();
      await (await chooser).setFiles(truncatedPath);
      await admin(page);
      const d = dialog(page, 'Import lab pack');
      const alert = d.getByRole('alert');
      // Refused at the upload or at inspection, whichever finds it first; never imported.
      await alert.waitFor({ timeout: 300_000 });
      expect(await alert.getAttribute('data-code')).toBe('PACK_INVALID');
      // The core's own words, which say what is wrong.
      expect(((await alert.textContent()) ?? '').length).toBeGreaterThan(20);
      expect(await d.getByText('Imported.', { exact: true }).count()).toBe(0);
      await student.shot('11-truncated-refused');
      await d.getByRole('button', { name: 'Close' }).click();
      await d.waitFor({ state: 'hidden' });
      expect(await page.evaluate('document.activeElement?.textContent')).toBe('Import lab pack…');
      expect(await cards(page).allTextContents()).toEqual(before);
    },
    420_000,
  );

  student.step('a file that is not a pack is answered at once, before anything is sent', async () => {
    await dropOnLauncher(page, path.join(catalogDir, 'catalog.json'));
    await admin(page);
    const d = dialog(page, 'Import lab pack');
    await d.getByRole('alert').filter({ hasText: '“catalog.json” is not a lab pack.' }).waitFor();
    await student.shot('12-not-a-pack');
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'hidden' });
  });
});
