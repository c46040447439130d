// The accessibility check every end-to-end screen goes through must be able to fail: on a page made
// with the faults it exists to find, it names them; on a clean page it finds nothing.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, expectAccessible } from '../support/axe';
import { launchChromium } from '../support/serve';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('the axe-core check of every screen', () => {
  it('finds an image without text, a nameless button and unreadable contrast', async () => {
    const page = await browser.newPage();
    await page.setContent(
      '<html lang="en"><head><title>faulty</title></head><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button><p style="color:#eee;background:#fff">faint</p></main></body></html>',
    );
    const ids = (await accessibilityViolations(page)).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['image-alt', 'button-name', 'color-contrast']));
    await expect(expectAccessible(page, 'faulty')).rejects.toThrow(/critical image-alt/);
    await page.close();
  });

  it('passes a clean page', async () => {
    const page = await browser.newPage();
    await page.setContent('<html lang="en"><head><title>clean</title></head><body><main><h1>Labs</h1><button>Open</button></main></body></html>');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.close();
  });
});
