// The host terminal through the real bridge (a real core, real WebSockets, a real node-pty shell on this
// computer): refused while locked with LOCKED; unlocked, it runs `echo $((6*7))` as the desktop user in
// the home folder and answers 42, without ClassLab's secrets in its environment and without its output in
// the log; another tab cannot type into it or see it; Lock ends it. Settings through the same bridge.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply, TerminalData, TerminalExit } from '../../electron/api/contract';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { openBridgeTab, type BridgeTab } from '../support/bridge-tab';
import { removeNamespace, testCore, uniqueNamespace } from '../support/docker';

const ns = uniqueNamespace('clhostterm');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-hostterm-'));
const PIN = 'plum-4826';
let core: Awaited<ReturnType<typeof testCore>>;
let bridge: Bridge;

beforeAll(async () => {
  const staticDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>ClassLab</title>');
  // As a script would start `classlab serve`: the admin PIN and a token in the environment.
  const env = { ...process.env, CLASSLAB_ADMIN_PIN: PIN, GITHUB_TOKEN: 'ghp_notforthehostshell000000000000' };
  core = await testCore(ns, { dataDir, hostTerminals: { env } });
  bridge = await startBridge({ core, staticDir, port: 0, log: core.log });
});
afterAll(async () => {
  await bridge?.close();
  await core?.close();
  await removeNamespace(ns);
});

interface Tab extends BridgeTab {
  /** Everything this tab's terminal printed so far. */
  output(id: string): string;
  exits(): TerminalExit[];
}

async function openTab(): Promise<Tab> {
  const tab = await openBridgeTab(bridge, ['terminal:data', 'terminal:exit', 'admin:changed', 'settings:changed']);
  return {
    ...tab,
    output: (id) =>
      tab.events
        .filter((e) => e.event === 'terminal:data' && (e.payload as TerminalData).terminalId === id)
        .map((e) => (e.payload as TerminalData).data)
        .join(''),
    exits: () => tab.events.filter((e) => e.event === 'terminal:exit').map((e) => e.payload as TerminalExit),
  };
}

// eslint-disable-next-line no-control-regex -- terminal escapes are ESC-led
const plain = (s: string) => s.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007|\r/g, '');

async function valueOf<T>(reply: Promise<Reply>): Promise<T> {
  const r = await reply;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** Acknowledges output as a view does after drawing it (so a long one keeps flowing). */
async function runInShell(tab: Tab, id: string, command: string, expected: RegExp): Promise<string> {
  await valueOf(tab.call('hostTerminal:write', [id, `${command}\r`]));
  await expect.poll(() => plain(tab.output(id)), { timeout: 20_000 }).toMatch(expected);
  await tab.call('hostTerminal:ack', [id, tab.output(id).length]);
  return plain(tab.output(id));
}

describe('the host terminal on the bridge', () => {
  let a: Tab;
  let b: Tab;
  beforeAll(async () => {
    a = await openTab();
    b = await openTab();
  });
  afterAll(() => {
    a?.ws.close();
    b?.ws.close();
  });

  it('is refused while no PIN is set and while locked, with LOCKED, and opens no shell', async () => {
    for (const channel of ['hostTerminal:open', 'settings:get'] as const) {
      const reply = await a.call(channel, channel === 'hostTerminal:open' ? [{ cols: 80, rows: 24 }] : []);
      expect(reply).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    }
    await valueOf(a.call('admin:setPin', [null, PIN]));
    await valueOf(a.call('admin:lock', []));
    expect(await a.call('hostTerminal:open', [{ cols: 80, rows: 24 }])).toEqual({
      ok: false,
      error: { code: 'LOCKED', message: 'The admin area is locked: hostTerminal:open needs the admin PIN.' },
    });
    // A terminal id this tab does not hold is refused before anything else.
    expect(await a.call('hostTerminal:write', ['t0123456789abcdef', 'id\r'])).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(core.stats().terminals).toBe(0);
  });

  it('unlocked, runs echo $((6*7)) as the desktop user in the home folder and shows 42, with no secret in its environment or output in the log', async () => {
    await valueOf(a.call('admin:unlock', [PIN]));
    const info = await valueOf<{ terminalId: string; shell: string; cwd: string }>(a.call('hostTerminal:open', [{ cols: 100, rows: 30 }]));
    expect(info.cwd).toBe(os.homedir());
    const out = await runInShell(a, info.terminalId, 'echo "answer=$((6*7))"', /answer=42/);
    expect(out).toMatch(/\banswer=42\b/);
    const who = await runInShell(
      a,
      info.terminalId,
      'echo "who=$(id -un) dir=$PWD pin=[${CLASSLAB_ADMIN_PIN:-none}] gh=[${GITHUB_TOKEN:-none}]"',
      /who=\S+ dir=\S+ pin=\[[^\]]*\] gh=\[[^\]]*\]/,
    );
    expect(who).toContain(`who=${os.userInfo().username} dir=${os.homedir()} pin=[none] gh=[none]`);
    // The other tab sees none of it and cannot type into it.
    expect(b.output(info.terminalId)).toBe('');
    expect(await b.call('hostTerminal:write', [info.terminalId, 'id\r'])).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    // The output never reaches ClassLab's log.
    expect(core.log.lines.join('\n')).not.toMatch(/answer=42|who=/);
    await valueOf(a.call('hostTerminal:close', [info.terminalId]));
    await expect.poll(() => core.stats().terminals, { timeout: 10_000 }).toBe(0);
  });

  it('ends when the admin area is locked (from the other tab), and says so', async () => {
    const { terminalId } = await valueOf<{ terminalId: string }>(a.call('hostTerminal:open', [{ cols: 80, rows: 24 }]));
    await runInShell(a, terminalId, 'echo ready-$((1+1))', /ready-2/);
    await valueOf(b.call('admin:lock', []));
    await expect
      .poll(() => a.exits().find((e) => e.terminalId === terminalId), { timeout: 10_000 })
      .toMatchObject({
        reason: 'The admin area locked: the host terminal was closed.',
      });
    expect(core.stats().terminals).toBe(0);
    // Ended: the tab no longer holds it; a new one needs the PIN again.
    expect(await a.call('hostTerminal:write', [terminalId, 'id\r'])).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await a.call('hostTerminal:open', [{ cols: 80, rows: 24 }])).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  });

  it('closes a tab’s host terminal when the tab goes away', async () => {
    const c = await openTab();
    await valueOf(c.call('admin:unlock', [PIN]));
    await valueOf(c.call('hostTerminal:open', [{ cols: 80, rows: 24 }]));
    expect(core.stats().terminals).toBe(1);
    c.ws.close();
    await expect.poll(() => core.stats().terminals, { timeout: 10_000 }).toBe(0);
  });

  it('changes settings through settings:update, tells every tab the new theme, and refuses a folder `classlab trust` refuses', async () => {
    await valueOf(a.call('admin:unlock', [PIN]));
    const s = await valueOf<{ adminLockMinutes: number; theme: string }>(a.call('settings:update', [{ adminLockMinutes: 7, theme: 'dark' }]));
    expect(s).toMatchObject({ adminLockMinutes: 7, theme: 'dark' });
    await expect.poll(() => b.events.filter((e) => e.event === 'settings:changed').map((e) => e.payload)).toContainEqual({ theme: 'dark' });
    expect(await b.call('settings:appearance', [])).toEqual({ ok: true, value: { theme: 'dark' } });
    expect(await a.call('settings:update', [{ trust: [{ area: 'mount', verb: 'add', value: os.homedir() }] }])).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('a home folder') as unknown },
    });
    expect(await a.call('settings:update', [{ adminLockMinutes: 0 }])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    await valueOf(a.call('admin:lock', []));
    expect(await b.call('settings:update', [{ theme: 'light' }])).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  });
});
