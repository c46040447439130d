// Terminals into a real lab container: the lab user's shell in the workspace, resize, close ending the
// session's processes, the lab's stop ending the terminal, and 50 MB of output complete, in order and
// flow-controlled. Then the same through the bridge: another tab can neither see nor type into it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TERMINAL_WINDOW_CHARS } from '../../electron/api/contract';
import { bridgeService, startBridge, type Bridge } from '../../electron/bridge/server';
import { ClientScope } from '../../electron/core/client-scope';
import { labNames } from '../../electron/core/labs/naming';
import { docker, ensureImages, execIn, removeNamespace, testCore, uniqueNamespace } from '../support/docker';
import { openTerminal as openSupportTerminal, terminalText } from '../support/terminal';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ns = uniqueNamespace();
const names = labNames(ns, 'python');
let core: Awaited<ReturnType<typeof testCore>>;

/** A terminal on this file's core (test/support/terminal.ts). */
const openTerminal = (size = { cols: 80, rows: 24 }) => openSupportTerminal(core, 'python', size);

beforeAll(async () => {
  core = await testCore(ns);
  await ensureImages(core);
  await core.service['labs:open']('python');
});

afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
});

describe('terminals on a real engine', () => {
  it('is a login shell of the lab user, in the workspace, with a real TTY', async () => {
    const t = await openTerminal();
    const out = await t.run('id -u; pwd; echo $((6*7)); tty; echo "$SHELL $TERM"');
    expect(out).toMatch(/^1000$/m);
    expect(out).toMatch(/^\/home\/student\/work$/m);
    expect(out).toMatch(/^42$/m);
    expect(out).toMatch(/^\/dev\/pts\/\d+$/m);
    expect(out).toMatch(/bash xterm-256color/);
    const utf8 = await t.run("printf 'é 漢字 🙂\\n'");
    expect(utf8).toContain('é 漢字 🙂');
    await core.service['terminal:close'](t.id);
    t.off();
  });

  it("shows every new terminal's first output (its prompt) to the view that opened it", async () => {
    // The view's scope learns the terminal's id only when terminal:open returns; output that came
    // earlier must wait for it, not go to nobody.
    for (let i = 0; i < 10; i++) {
      const scope = new ClientScope(bridgeService(core));
      let seen = '';
      const off = core.subscribe('terminal:data', (d) => {
        if (scope.accepts('terminal:data', d)) seen += d.data;
      });
      const t = await scope.service['terminal:open']('python', { cols: 80, rows: 24 });
      await expect.poll(() => terminalText(seen), { timeout: 10_000 }).toMatch(/student@.*\$ $/);
      off();
      await scope.dispose();
      expect(t.labId).toBe('python');
    }
    await expect.poll(() => core.stats().terminals).toBe(0);
  });

  it('sees a resize at once (stty size)', async () => {
    const t = await openTerminal();
    await core.service['terminal:resize'](t.id, { cols: 123, rows: 37 });
    expect(await t.run('stty size')).toMatch(/^37 123$/m);
    await core.service['terminal:close'](t.id);
    t.off();
  });

  it('close ends the shell and everything it started in the foreground and background', async () => {
    const t = await openTerminal();
    await t.write('sleep 1234 & sleep 4321\r');
    const running = async () => (await execIn(names.container, ['sh', '-c', 'pgrep -f "[s]leep (1234|4321)" | wc -l'])).out.trim();
    await expect.poll(running, { timeout: 10_000 }).toBe('2');
    await core.service['terminal:close'](t.id);
    expect(await running()).toBe('0');
    await expect.poll(() => t.exit()?.reason).toBe('The terminal was closed.');
    expect(core.stats().terminals).toBe(0);
    t.off();
  });

  it('delivers 50 MB of output complete and in order, never more than the window unacknowledged', async () => {
    const info = await core.service['terminal:open']('python', { cols: 200, rows: 50 });
    let carry = '';
    let expected = 1;
    let broken: string | null = null;
    let emitted = 0;
    let acked = 0;
    let maxOutstanding = 0;
    let done = false;
    const rssBefore = process.memoryUsage().rss;
    let rssMax = rssBefore;
    const off = core.subscribe('terminal:data', (d) => {
      if (d.terminalId !== info.terminalId) return;
      emitted += d.data.length;
      maxOutstanding = Math.max(maxOutstanding, emitted - acked);
      const lines = (carry + d.data).split('\n');
      carry = lines.pop()!;
      for (const raw of lines) {
        // What follows the last carriage return is what shows on that row (bash sends
        // bracketed-paste escapes and \r before the command's output).
        const line = terminalText(raw.slice(raw.lastIndexOf('\r', raw.length - 2) + 1));
        if (!/^\d+$/.test(line)) continue; // the prompt and the echoed command
        if (Number(line) !== expected && !broken) broken = `expected ${expected}, got ${line}`;
        expected = Number(line) + 1;
        if (Number(line) === 6_000_000) done = true;
      }
      // A slow view: acknowledge a little later, as xterm.js does once it has drawn.
      setTimeout(() => {
        acked += d.data.length;
        void core.service['terminal:ack'](info.terminalId, d.data.length);
        rssMax = Math.max(rssMax, process.memoryUsage().rss);
      }, 2);
    });
    try {
      // seq 1 6000000 is about 47 MB, 49 with the TTY's \r\n.
      await core.service['terminal:write'](info.terminalId, 'seq 1 6000000\r');
      await expect.poll(() => done, { timeout: 120_000, interval: 200 }).toBe(true);
      expect(broken).toBeNull();
      expect(emitted).toBeGreaterThan(49_000_000);
      // Flow control: what the view has not drawn yet stays within the window (plus one batch).
      expect(maxOutstanding).toBeLessThanOrEqual(TERMINAL_WINDOW_CHARS + 128 * 1024);
      expect(rssMax - rssBefore).toBeLessThan(256 * 1024 * 1024);
    } finally {
      off();
      await core.service['terminal:close'](info.terminalId);
    }
  });

  it('ends with an exit event when the lab container is killed, and leaves nothing behind', async () => {
    const listenersBefore = core.stats().listeners;
    const t = await openTerminal();
    await t.run('true');
    await docker.getContainer(names.container).kill();
    await expect.poll(() => t.exit(), { timeout: 15_000 }).toMatchObject({ reason: 'The lab stopped.' });
    expect(core.stats().terminals).toBe(0);
    t.off();
    expect(core.stats().listeners).toBe(listenersBefore);
    await expect(core.service['terminal:write'](t.id, 'echo hi\r')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('terminals through the bridge', () => {
  let bridge: Bridge;
  beforeAll(async () => {
    await core.service['labs:open']('python');
    const staticDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-static-'));
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html>');
    bridge = await startBridge({ core, staticDir, port: 0, log: core.log });
  });
  afterAll(async () => {
    await bridge?.close();
  });

  async function client() {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api`, { origin: `http://127.0.0.1:${bridge.port}` });
    await new Promise((r) => ws.on('open', r));
    const messages: Array<Record<string, unknown>> = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as Record<string, unknown>));
    ws.send(JSON.stringify({ type: 'hello', token: bridge.token }));
    await expect.poll(() => messages.some((m) => m.type === 'welcome')).toBe(true);
    ws.send(JSON.stringify({ type: 'subscribe', event: 'terminal:data' }));
    ws.send(JSON.stringify({ type: 'subscribe', event: 'terminal:exit' }));
    let id = 100;
    const invoke = async (channel: string, args: unknown[]) => {
      const my = id++;
      ws.send(JSON.stringify({ type: 'invoke', id: my, channel, args }));
      await expect.poll(() => messages.some((m) => m.type === 'reply' && m.id === my)).toBe(true);
      return (messages.find((m) => m.type === 'reply' && m.id === my) as { reply: { ok: boolean; value?: unknown; error?: { code: string } } }).reply;
    };
    const output = () =>
      terminalText(
        messages
          .filter((m) => m.type === 'event' && m.event === 'terminal:data')
          .map((m) => (m.payload as { data: string }).data)
          .join(''),
      );
    return { ws, invoke, output };
  }

  it("keeps a tab's terminal to itself and closes it when the tab goes away", async () => {
    const a = await client();
    const b = await client();
    const opened = await a.invoke('terminal:open', ['python', { cols: 80, rows: 24 }]);
    const terminalId = (opened.value as { terminalId: string }).terminalId;
    await a.invoke('terminal:write', [terminalId, 'echo $((6*7))\r']);
    await expect.poll(() => /^42$/m.test(a.output())).toBe(true);
    expect(b.output()).toBe('');
    expect((await b.invoke('terminal:write', [terminalId, 'rm -rf ~\r'])).error?.code).toBe('UNAUTHORIZED');
    expect((await b.invoke('terminal:close', [terminalId])).error?.code).toBe('UNAUTHORIZED');

    await a.invoke('terminal:write', [terminalId, 'sleep 5555\r']);
    await expect.poll(async () => (await execIn(names.container, ['sh', '-c', 'pgrep -f "[s]leep 5555" | wc -l'])).out.trim()).toBe('1');
    a.ws.close();
    await expect.poll(() => core.stats().terminals, { timeout: 10_000 }).toBe(0);
    expect((await execIn(names.container, ['sh', '-c', 'pgrep -f "[s]leep 5555" | wc -l'])).out.trim()).toBe('0');
    b.ws.close();
    await expect.poll(() => bridge.stats()).toEqual({ clients: 0, subscriptions: 0 });
  });
});
