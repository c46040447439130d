// Renders the app's icon (renderer/public/favicon.svg) to build/icon.png, 512×512, which electron-builder
// turns into each platform's icon (.ico, .icns, the Linux sizes). Run when the SVG changes:
// `node build/electron-builder-icon.mjs` (Debian's Chromium, as the browser tests use).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const svg = readFileSync(path.join(root, 'renderer', 'public', 'favicon.svg'), 'utf8').replace('<svg ', '<svg width="512" height="512" ');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: path.join(root, 'build', 'icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
console.log('wrote build/icon.png');
