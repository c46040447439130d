// End to end, as a student would: the real `classlab serve` bridge, a real Docker engine and the real
// python lab, driven in Debian's Chromium. Open the lab, open terminal tabs beside the notebook, run
// commands and read their output from the terminal itself (the rows xterm.js renders from its buffer, not
// pixels: STACK-NOTES), see `stty size` follow the page's size, keep output across tab switches, stay
// responsive under `yes`, end a tab's processes when it closes, and show a stopped lab's end with a way to
// start a new shell. Screenshots go to artifacts/e2e/terminal-*.png (git-ignored): look at them.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect } from 'vitest';
import { TERMINAL_WINDOW_CHARS } from '../../electron/api/contract';
import { execIn, REPO } from '../support/docker';
import { e2eRun, labWithImage } from '../support/e2e';
import { waitForJupyterLab } from '../support/jupyterlab';
import { CLI } from '../support/serve';

const run = promisify(execFile);
const LAB = 'python';
const FRAME = 'iframe[title^="Notebook for"]';
const e2e = e2eRun({
  shotPrefix: 'terminal-',
  lab: LAB,
  permissions: ['clipboard-read', 'clipboard-write'],
  onPage: (p) => watchWire(p),
  onFailure: () =>
    console.error(`terminal output on the wire, per terminal: received ${JSON.stringify([...wire.received])}, acknowledged ${JSON.stringify([...wire.acked])}`),
});
const { shot, step, container } = e2e;

// Its own data folder and Docker namespace: this run neither sees nor touches another's labs.
let page: Page;
let env: NodeJS.ProcessEnv = {};

/**
 * Terminal traffic on the page's WebSocket, per terminal: characters of output received, characters
 * acknowledged, and the most ever received but not yet acknowledged.
 */
const wire = { received: new Map<string, number>(), acked: new Map<string, number>(), maxOutstanding: 0 };
function watchWire(p: Page): void {
  const add = (m: Map<string, number>, id: string, n: number) => m.set(id, (m.get(id) ?? 0) + n);
  const parse = (payload: string | Buffer): Record<string, unknown> | null => {
    try {
      return JSON.parse(payload.toString()) as Record<string, unknown>;
    } catch {
      return null;
    }
  };
  p.on('websocket', (ws) => {
    ws.on('framereceived', ({ payload }) => {
      const msg = parse(payload);
      if (msg?.type !== 'event' || msg.event !== 'terminal:data') return;
      const { terminalId, data } = msg.payload as { terminalId: string; data: string };
      add(wire.received, terminalId, data.length);
      wire.maxOutstanding = Math.max(wire.maxOutstanding, (wire.received.get(terminalId) ?? 0) - (wire.acked.get(terminalId) ?? 0));
    });
    ws.on('framesent', ({ payload }) => {
      const msg = parse(payload);
      if (msg?.type !== 'invoke' || msg.channel !== 'terminal:ack') return;
      const [terminalId, chars] = msg.args as [string, number];
      add(wire.acked, terminalId, chars);
    });
  });
}
const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

const tab = (name: string | RegExp): Locator => page.getByRole('tab', { name });
/** A terminal's panel, by its tab's name ("Terminal 1", or "Terminal 1 (ended)"). Only a shown one. */
const panel = (n: number): Locator => page.getByRole('tabpanel', { name: new RegExp(`^Terminal ${n}\\b`) });

/** The rows the terminal shows, as text (xterm.js renders its buffer's visible lines as DOM rows). */
async function rows(n: number): Promise<string[]> {
  return panel(n)
    .locator('.xterm-rows')
    .evaluate((el) => [...el.children].map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
}

const text = async (n: number): Promise<string> => (await rows(n)).join('\n');

/** The last line with anything on it: where the prompt is when the shell waits. */
async function lastLine(n: number): Promise<string> {
  const lines = (await rows(n)).filter((l) => l.trim() !== '');
  return lines[lines.length - 1] ?? '';
}

const PROMPT = /\$\s*$/;

async function waitForPrompt(n: number, timeout = 30_000): Promise<void> {
  await expect.poll(() => lastLine(n), { timeout, message: `a shell prompt in Terminal ${n}` }).toMatch(PROMPT);
}

/** The terminal's size as the view has it: what it told the shell. */
async function viewSize(n: number): Promise<{ rows: number; cols: number; renderedRows: number }> {
  const host = panel(n).locator('.terminal-host');
  const [r, c] = await Promise.all([host.getAttribute('data-rows'), host.getAttribute('data-cols')]);
  return { rows: Number(r), cols: Number(c), renderedRows: (await rows(n)).length };
}

/**
 * Types a command into the focused terminal and returns the lines it printed: what lies between the
 * echoed command line and the next prompt. A marker makes the command's own line unique.
 */
async function runCommand(n: number, command: string, timeout = 30_000): Promise<string[]> {
  const mark = `m${randomBytes(3).toString('hex')}`;
  const line = `${command} # ${mark}`;
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  let out: string[] = [];
  await expect
    .poll(
      async () => {
        const all = await rows(n);
        const at = all.findIndex((l) => l.includes(mark));
        if (at < 0) return false;
        const after = all.slice(at + 1);
        const prompt = after.findIndex((l) => PROMPT.test(l));
        if (prompt < 0) return false;
        out = after.slice(0, prompt);
        return true;
      },
      { timeout, message: `the output of \`${command}\` and a prompt after it, in Terminal ${n}` },
    )
    .toBe(true);
  return out;
}

async function processCount(pattern: string): Promise<number> {
  const { out } = await execIn(container, ['sh', '-c', `pgrep -f '${pattern}' | wc -l`]);
  return Number(out.trim());
}

beforeAll(() => {
  page = e2e.page;
  env = e2e.env;
});

describe('terminals in the lab view, in a browser, through the bridge', () => {
  step(
    'opens the python lab with its notebook',
    async () => {
      await page.goto(e2e.url);
      const { open } = await labWithImage(page);
      await open.click();
      await page.locator(FRAME).waitFor({ timeout: 120_000 });
      // The tabs: the notebook, selected, and a way to open a terminal.
      await expect.poll(() => tab('Notebook').getAttribute('aria-selected')).toBe('true');
      await page.getByRole('button', { name: 'New terminal' }).waitFor();
      await waitForJupyterLab(page.frameLocator(FRAME), 60_000);
      await shot('01-notebook-with-tabs');
    },
    960_000,
  );

  step('opens a terminal tab with a shell prompt and the keyboard in it', async () => {
    await page.getByRole('button', { name: 'New terminal' }).click();
    await expect.poll(() => tab('Terminal 1').getAttribute('aria-selected')).toBe('true');
    expect(await tab('Notebook').getAttribute('aria-selected')).toBe('false');
    // One content at a time: the notebook's panel (and its frame) is hidden now.
    expect(await page.locator(FRAME).isVisible()).toBe(false);
    const controls = await tab('Terminal 1').getAttribute('aria-controls');
    expect(await panel(1).getAttribute('id')).toBe(controls);
    await waitForPrompt(1);
    // The login shell of the lab user, in the workspace.
    expect(await lastLine(1)).toMatch(/student@.*:~\/work\$$/);
    expect(await panel(1).evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
    await shot('02-terminal-prompt');
  });

  step('runs echo $((6*7)) and reads 42 from the terminal', async () => {
    const out = await runCommand(1, 'echo $((6*7))');
    expect(out).toEqual(['42']);
    // UTF-8 goes both ways.
    expect(await runCommand(1, "printf 'é 漢字\\n'")).toEqual(['é 漢字']);
    await shot('03-echo-42');
  });

  step('tells the shell its size (stty size), and the new size when the page is resized', async () => {
    const before = await viewSize(1);
    const [line] = await runCommand(1, 'stty size');
    expect(line).toBe(`${before.rows} ${before.cols}`);
    expect(before.renderedRows).toBe(before.rows);
    expect(before.cols).toBeGreaterThan(100);

    await page.setViewportSize({ width: 900, height: 560 });
    await expect.poll(async () => (await viewSize(1)).cols, { timeout: 10_000 }).toBeLessThan(before.cols);
    await expect.poll(async () => (await viewSize(1)).rows, { timeout: 10_000 }).toBeLessThan(before.rows);
    const after = await viewSize(1);
    const [line2] = await runCommand(1, 'stty size');
    expect(line2).toBe(`${after.rows} ${after.cols}`);
    expect(after.renderedRows).toBe(after.rows);
    expect(await runCommand(1, 'tput cols')).toEqual([String(after.cols)]);
    // The text area fits the page: no column is cut off on the right.
    const box = await panel(1).locator('.xterm-screen').boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(900);
    await shot('04-resized');

    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(async () => (await viewSize(1)).cols, { timeout: 10_000 }).toBe(before.cols);
    expect((await runCommand(1, 'stty size'))[0]).toBe(`${before.rows} ${before.cols}`);
  });

  step('a second terminal tab runs its own shell; the first keeps its output', async () => {
    await page.getByRole('button', { name: 'New terminal' }).click();
    await expect.poll(() => tab('Terminal 2').getAttribute('aria-selected')).toBe('true');
    await waitForPrompt(2);
    expect(await runCommand(2, 'echo second-$((40+2)) $(tty)')).toEqual([expect.stringMatching(/^second-42 \/dev\/pts\/\d+$/)]);
    await shot('05-second-terminal');

    await tab('Terminal 1').click();
    await expect.poll(() => tab('Terminal 1').getAttribute('aria-selected')).toBe('true');
    expect(await panel(2).count()).toBe(0); // hidden, so not a visible tabpanel
    const first = await text(1);
    expect(first).toMatch(/^42$/m);
    expect(first).toMatch(/^é 漢字$/m);
    // The focus follows the tab into the terminal.
    expect(await panel(1).evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
  });

  step('searches the scrollback (Ctrl+Shift+F; Enter, Escape)', async () => {
    await page.keyboard.press('Control+Shift+F');
    const box = page.getByRole('textbox', { name: 'Search the terminal' });
    await box.waitFor();
    expect(await box.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await box.fill('漢字');
    await page.keyboard.press('Enter');
    await expect.poll(() => panel(1).locator('.terminal-search-status').textContent()).toMatch(/^\d+ of \d+$/);
    await shot('06-search');
    await page.keyboard.press('Escape');
    await expect.poll(() => box.count()).toBe(0);
    expect(await panel(1).evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
  });

  step('pastes with Ctrl+Shift+V and copies the selection with Ctrl+Shift+C; Ctrl+C stays SIGINT', async () => {
    await page.evaluate("navigator.clipboard.writeText('echo pasted-$((2+3))')");
    await page.keyboard.press('Control+Shift+V');
    await expect.poll(() => lastLine(1)).toContain('echo pasted-$((2+3))');
    await page.keyboard.press('Enter');
    await expect.poll(() => text(1)).toMatch(/^pasted-5$/m);
    await waitForPrompt(1);

    // Select the "pasted-5" line with a triple click (xterm selects the whole line), then copy it.
    const at = (await rows(1)).findIndex((l) => l === 'pasted-5');
    const row = await panel(1).locator('.xterm-rows > div').nth(at).boundingBox();
    // (The click lands on xterm's screen layer, above the rows: click the row's place, not the element.)
    await page.mouse.click(row!.x + 20, row!.y + row!.height / 2, { clickCount: 3 });
    await page.keyboard.press('Control+Shift+C');
    await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toMatch(/^pasted-5\s*$/);

    // Ctrl+C interrupts a half-typed line instead of copying anything.
    await page.keyboard.type('echo never-run');
    await page.keyboard.press('Control+C');
    await waitForPrompt(1);
    expect(await text(1)).not.toMatch(/^never-run$/m);
  });

  step('stays responsive while `yes` floods the terminal, and Ctrl+C brings the prompt back', async () => {
    const receivedBefore = total(wire.received);
    const ackedBefore = total(wire.acked);
    wire.maxOutstanding = 0;
    await page.keyboard.type('yes');
    await page.keyboard.press('Enter');
    // A loaded machine (CI) may take a while to draw the first screenful.
    await expect.poll(async () => (await rows(1)).filter((l) => l === 'y').length, { timeout: 30_000 }).toBeGreaterThan(10);
    await page.waitForTimeout(1000);

    // The page answers, and the notebook tab works, while the flood goes on.
    const t0 = Date.now();
    await page.evaluate('new Promise((r) => requestAnimationFrame(r))');
    const frameMs = Date.now() - t0;
    await tab('Notebook').click();
    await expect.poll(() => tab('Notebook').getAttribute('aria-selected'), { timeout: 10_000 }).toBe('true');
    await page.locator(FRAME).waitFor({ state: 'visible', timeout: 10_000 });
    await shot('07-notebook-during-yes');
    await tab('Terminal 1').click();
    await expect.poll(() => tab('Terminal 1').getAttribute('aria-selected'), { timeout: 10_000 }).toBe('true');
    expect((await rows(1)).filter((l) => l === 'y').length).toBeGreaterThan(10);

    await page.keyboard.press('Control+C');
    await waitForPrompt(1, 20_000);
    expect(await runCommand(1, 'echo after-yes-$((1+2))')).toEqual(['after-yes-3']);
    expect(await processCount('^[y]es$')).toBe(0);
    await shot('08-after-yes');
    // A coarse check that the page did not lock up (a frame took seconds), not a benchmark.
    expect(frameMs).toBeLessThan(5000);
    // Flow control: the view acknowledged what it drew, so output kept flowing well past one window,
    // and never more than a window (plus one batch) was on its way undrawn.
    expect(total(wire.received) - receivedBefore).toBeGreaterThan(2 * TERMINAL_WINDOW_CHARS);
    expect(total(wire.acked) - ackedBefore).toBeGreaterThan(2 * TERMINAL_WINDOW_CHARS);
    expect(wire.maxOutstanding).toBeLessThanOrEqual(TERMINAL_WINDOW_CHARS + 128 * 1024);
  });

  step('a terminal resized while hidden fits the page when shown again', async () => {
    await tab('Terminal 2').click();
    await expect.poll(() => tab('Terminal 2').getAttribute('aria-selected')).toBe('true');
    const before = await viewSize(2);
    await tab('Terminal 1').click();
    await page.setViewportSize({ width: 1040, height: 680 });
    await expect.poll(async () => (await viewSize(1)).cols, { timeout: 10_000 }).toBeLessThan(before.cols);
    await tab('Terminal 2').click();
    await expect.poll(async () => (await viewSize(2)).cols, { timeout: 10_000 }).toBeLessThan(before.cols);
    const after = await viewSize(2);
    expect(after.rows).toBeLessThan(before.rows);
    expect((await runCommand(2, 'stty size'))[0]).toBe(`${after.rows} ${after.cols}`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(async () => (await viewSize(2)).cols, { timeout: 10_000 }).toBe(before.cols);
  });

  step('closing a tab ends its shell and what runs in it', async () => {
    await expect.poll(() => tab('Terminal 2').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.type('sleep 4242');
    await page.keyboard.press('Enter');
    await expect.poll(() => processCount('[s]leep 4242'), { timeout: 15_000 }).toBe(1);
    // The pointer's way: the × beside the tab (a tab list holds only tabs, so it is not in the
    // accessibility tree; its tooltip names it).
    await page.getByTitle('Close Terminal 2').click();
    await expect.poll(() => tab(/^Terminal 2/).count()).toBe(0);
    // The tab to its left is shown instead, and the shell and its sleep are gone from the container.
    await expect.poll(() => tab('Terminal 1').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => processCount('[s]leep 4242'), { timeout: 15_000 }).toBe(0);
    await shot('09-closed-second-tab');
    // The keyboard's way, as aria-keyshortcuts announces it: Delete on the selected terminal tab.
    await page.getByRole('button', { name: 'New terminal' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Terminal \d+$/ }).count(), { timeout: 30_000 }).toBe(2);
    const extra = page.getByRole('tab', { name: /^Terminal \d+$/ }).last();
    await extra.focus();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByRole('tab', { name: /^Terminal \d+$/ }).count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => tab('Terminal 1').getAttribute('aria-selected')).toBe('true');
  });

  step('stopping the lab ends the terminal, which offers a new shell once the lab is open again', async () => {
    await run(process.execPath, [CLI, 'stop', LAB], { cwd: REPO, env, timeout: 120_000 });
    await tab('Terminal 1 (ended)').waitFor({ timeout: 60_000 });
    const bar = panel(1).getByRole('status');
    await expect.poll(() => bar.textContent(), { timeout: 20_000 }).toMatch(/^The lab stopped\.( \(exit code -?\d+\))?/);
    const again = panel(1).getByRole('button', { name: 'Start a new shell' });
    // Disabled once the view learns that the lab has stopped (the exit event can come a moment earlier).
    await expect.poll(() => again.isDisabled(), { timeout: 20_000 }).toBe(true);
    // The output stays readable after the end.
    expect(await text(1)).toMatch(/^after-yes-3$/m);
    await shot('10-lab-stopped');

    await tab('Notebook').click();
    await page.getByRole('button', { name: 'Open again' }).click();
    await page.locator(FRAME).waitFor({ timeout: 120_000 });
    await tab('Terminal 1 (ended)').click();
    await expect.poll(() => again.isEnabled(), { timeout: 30_000 }).toBe(true);
    await again.click();
    await tab('Terminal 1').waitFor();
    await waitForPrompt(1);
    expect(await runCommand(1, 'echo $((6*7))')).toEqual(['42']);
    expect(await text(1)).toContain('── new shell ──');
    await shot('11-new-shell');
  });

  step('leaving the lab view closes its terminals and what runs in them', async () => {
    await page.keyboard.type('sleep 4343');
    await page.keyboard.press('Enter');
    await expect.poll(() => processCount('[s]leep 4343'), { timeout: 15_000 }).toBe(1);
    await page.getByRole('button', { name: 'Back to labs' }).click();
    await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
    await expect.poll(() => processCount('[s]leep 4343'), { timeout: 15_000 }).toBe(0);
    // No login shell of ClassLab's is left in the lab (the notebook server's kernels are not shells).
    await expect.poll(() => processCount('^bash -l$'), { timeout: 15_000 }).toBe(0);
  });
});
