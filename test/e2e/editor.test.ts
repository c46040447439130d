// The profile editor end to end, as an instructor would: the real `classlab serve`, the real engine, in
// Debian's Chromium. Unlock the admin area (the first admin action sets the PIN), make a new lab on the
// bundled python lab with an extra Debian package (jq), see the schema's checks beside the field as it is
// typed, save, build the image with its progress, open the lab, and use jq in a terminal. Screenshots go to
// artifacts/e2e/editor-*.png (and /work/wt/shots/editor-*.png when that folder exists): look at them.
import { randomBytes } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { docker } from '../support/docker';
import { ARTIFACTS, answerAdminPrompt, e2eRun } from '../support/e2e';

// An id of this run's own: the image it builds (classlab/custom-<id>:…) is this test's alone, and removed after.
const LAB = `jq-${randomBytes(2).toString('hex')}`;
const TITLE = 'Python with jq';
// Registered before e2eRun's own: after-hooks run last-first, so this runs once the run's containers are gone.
afterAll(async () => {
  const images = await docker.listImages({ filters: { label: [`classlab.custom.lab=${LAB}`] } });
  for (const image of images)
    await docker
      .getImage(image.Id)
      .remove({ force: true })
      .catch(() => undefined);
}, 120_000);
const e2e = e2eRun({ shotPrefix: 'editor-', lab: LAB });
const { step } = e2e;
const SHOTS = '/work/wt/shots';
let page: Page;

async function shot(name: string): Promise<void> {
  await e2e.shot(name);
  if (existsSync(SHOTS)) await copyFile(path.join(ARTIFACTS, `editor-${name}.png`), path.join(SHOTS, `editor-${name}.png`));
}

beforeAll(() => {
  page = e2e.page;
});

/** A text field of the editor by its label (exactly: radios and hints mention the same words). */
const box = (name: string) => page.getByRole('textbox', { name, exact: true });

/** The rows a terminal shows, as text (xterm.js renders its buffer's visible lines as DOM rows). */
async function terminalRows(): Promise<string[]> {
  return page
    .getByRole('tabpanel', { name: /^Terminal 1\b/ })
    .locator('.xterm-rows')
    .evaluate((el) => [...el.children].map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
}

describe('the profile editor in a browser', () => {
  step('New lab asks for the admin PIN first, then opens the editor on a lab built on python', async () => {
    await page.goto(e2e.url);
    await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New lab' }).click();
    expect(await answerAdminPrompt(page)).toBe(true);
    await page.getByRole('heading', { name: 'New lab', level: 1 }).waitFor();
    await expect.poll(() => page.getByLabel('Base lab').inputValue()).toBe('python');
    expect(await page.getByRole('radio', { name: /Built on a bundled lab/ }).isChecked()).toBe(true);
  });

  step("shows the schema's checks beside each field as the instructor types", async () => {
    const id = box('Id');
    await id.fill('Not An Id');
    await box('Title').fill(TITLE);
    const packages = box('Extra Debian packages');
    await packages.fill('jq\n--allow-unauthenticated');
    await box('Memory (MiB)').fill('64');
    await expect.poll(() => page.locator('#editor-id-msg').textContent(), { timeout: 15_000 }).toMatch(/lower-case/);
    await expect.poll(() => page.locator('#editor-packages-msg').textContent()).toMatch(/allow-unauthenticated/);
    await expect.poll(() => page.locator('#editor-memoryMiB-msg').textContent()).toMatch(/128/);
    expect(await id.getAttribute('aria-invalid')).toBe('true');
    expect(await packages.getAttribute('aria-invalid')).toBe('true');
    await shot('01-field-errors');
    // Saving anyway is refused by the core, and says why.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'The lab was not saved' }).waitFor();
  });

  step('fixed, it saves: the image is named from its packages, and the lab is in the launcher at once', async () => {
    await box('Id').fill(LAB);
    await box('Extra Debian packages').fill('# a JSON tool\njq');
    await box('Memory (MiB)').fill('1024');
    await box('Description').fill('The python lab with jq.');
    await expect.poll(() => page.locator('#editor-packages-msg').textContent()).not.toMatch(/allow/);
    await expect.poll(() => page.getByText(/^Image: classlab\/custom-/).count(), { timeout: 15_000 }).toBe(1);
    await shot('02-new-lab');
    // The keyboard saves: Enter in a field submits the form.
    await box('Title').press('Enter');
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByRole('heading', { name: `Edit ${TITLE}`, level: 1 }).waitFor();
    await page.getByRole('region', { name: new RegExp(`${TITLE} in the launcher`) }).waitFor();
  });

  step(
    'builds the image FROM the python lab with the progress view, then opens the lab',
    async () => {
      await page.getByRole('button', { name: 'Build image' }).click();
      await answerAdminPrompt(page, undefined, 1000);
      await page.getByRole('progressbar').first().waitFor({ timeout: 60_000 });
      await shot('03-building');
      const open = page.getByRole('button', { name: 'Open lab' });
      await open.waitFor({ timeout: 900_000 });
      await open.click();
      await page.getByRole('button', { name: 'New terminal' }).waitFor({ timeout: 180_000 });
    },
    1_200_000,
  );

  step('jq is there in a terminal of the new lab', async () => {
    await page.getByRole('button', { name: 'New terminal' }).click();
    await page.getByRole('tabpanel', { name: /^Terminal 1\b/ }).waitFor();
    await expect.poll(async () => (await terminalRows()).some((l) => /\$\s*$/.test(l)), { timeout: 60_000 }).toBe(true);
    await page.keyboard.type(`echo '{"answer": 6}' | jq '.answer * 7'`);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await terminalRows()).includes('42'), { timeout: 30_000 }).toBe(true);
    await shot('04-jq-in-terminal');
  });

  step('back in the launcher, its card has Edit, Duplicate and Delete', async () => {
    await page.getByRole('button', { name: 'Back to labs' }).click();
    const card = page.getByRole('article', { name: TITLE });
    await card.waitFor();
    await card.getByRole('button', { name: `Edit ${TITLE}` }).waitFor();
    await card.getByRole('button', { name: `Duplicate ${TITLE}` }).waitFor();
    await card.getByRole('button', { name: `Delete ${TITLE}` }).waitFor();
    // A bundled lab can be edited and duplicated, not deleted.
    const python = page.getByRole('article', { name: /Python notebook/ });
    await python.getByRole('button', { name: /^Edit / }).waitFor();
    expect(await python.getByRole('button', { name: /^Delete / }).count()).toBe(0);
    await shot('05-launcher');
    await card.getByRole('button', { name: `Delete ${TITLE}` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${TITLE}?` });
    await dialog.waitFor();
    await dialog.getByLabel(/Also delete its workspace/).check();
    await shot('06-delete');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });
});
