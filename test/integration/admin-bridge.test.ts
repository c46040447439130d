// The admin lock through the real bridge (a real core on a real engine, real WebSockets): admin methods
// answer LOCKED while locked, before and after a PIN is set; the unlock state is the core's, so a second
// tab sees it and Lock in one tab locks them all; a wrong PIN says "Wrong PIN." and no PIN reaches the log.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminStatus, MethodName, Reply } from '../../electron/api/contract';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { METHOD_ACCESS } from '../../electron/core/admin/admin-methods';
import { pinFilePath } from '../../electron/core/admin/pin-file';
import { openBridgeTab, type BridgeTab } from '../support/bridge-tab';
import { removeNamespace, testCore, uniqueNamespace } from '../support/docker';

const ns = uniqueNamespace('cladminbr');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-admin-bridge-'));
let core: Awaited<ReturnType<typeof testCore>>;
let bridge: Bridge;
const PIN = 'plum-4826';

beforeAll(async () => {
  const staticDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>ClassLab</title>');
  core = await testCore(ns, { dataDir });
  bridge = await startBridge({ core, staticDir, port: 0, log: core.log });
});
afterAll(async () => {
  await bridge?.close();
  await core?.close();
  await removeNamespace(ns);
});

/** A browser tab of the bridge: authenticated, with the events it received. */
type Tab = BridgeTab;
const openTab = (): Promise<Tab> => openBridgeTab(bridge, ['admin:changed']);

const locked = (message: string): Reply => ({ ok: false, error: { code: 'LOCKED', message } });
const status = (s: Partial<AdminStatus>) => ({ ok: true, value: expect.objectContaining(s) as unknown });

describe('the admin lock on the bridge', () => {
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

  it('answers LOCKED for every admin method before a PIN is set, and serves student methods', async () => {
    expect(await a.call('admin:status', [])).toEqual({ ok: true, value: { pinSet: false, unlocked: false, lockMinutes: 10, retryAfterSeconds: 0 } });
    expect(await a.call('audit:run', [null])).toEqual(locked('audit:run is an admin action, and no admin PIN is set yet: set one first.'));
    expect(await a.call('images:prepare', ['python'])).toEqual(locked('images:prepare is an admin action, and no admin PIN is set yet: set one first.'));
    expect(await a.call('packs:signer', [])).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(await a.call('labs:list', [])).toMatchObject({ ok: true });
    // Arguments are still checked first: a malformed call is BAD_REQUEST, locked or not.
    expect(await a.call('audit:run', [42])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('refuses a PIN shorter than 4 characters', async () => {
    expect(await a.call('admin:setPin', [null, '482'])).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'admin:setPin: 1: A PIN has at least 4 digits or characters.' },
    });
    expect(await a.call('admin:status', [])).toEqual(status({ pinSet: false }));
  });

  it('sets the PIN in one tab, which unlocks the one admin session: the other tab sees it too', async () => {
    expect(await a.call('admin:setPin', [null, PIN])).toEqual(status({ pinSet: true, unlocked: true }));
    await expect.poll(() => b.events.filter((e) => e.event === 'admin:changed').at(-1)?.payload).toMatchObject({ pinSet: true, unlocked: true });
    expect(await b.call('admin:status', [])).toEqual(status({ pinSet: true, unlocked: true }));
    // Unlocked: an admin method runs (here it answers about its argument: no such lab), in either tab.
    expect(await b.call('images:prepare', ['no-such-lab'])).toMatchObject({ ok: false, error: { code: 'LAB_NOT_FOUND' } });
  });

  it('locks every tab on Lock in one of them, and admin methods answer LOCKED again', async () => {
    expect(await b.call('admin:lock', [])).toEqual(status({ unlocked: false }));
    await expect.poll(() => a.events.filter((e) => e.event === 'admin:changed').at(-1)?.payload).toMatchObject({ unlocked: false });
    for (const channel of Object.keys(METHOD_ACCESS) as MethodName[]) {
      if (METHOD_ACCESS[channel] !== 'admin') continue;
      const reply = await a.call(channel, channel === 'audit:run' ? [null] : channel === 'images:prepare' ? ['python'] : []);
      // Each admin method: LOCKED, or (for one that takes arguments) its argument check, which comes first.
      if (!reply.ok && reply.error.code === 'BAD_REQUEST') continue;
      expect(reply, channel).toEqual(locked(`The admin area is locked: ${channel} needs the admin PIN.`));
    }
  });

  it('says "Wrong PIN." for a wrong one, opens with the right one, and no PIN reaches the log', async () => {
    expect(await a.call('admin:unlock', ['4826'])).toEqual(locked('Wrong PIN.'));
    expect(await a.call('admin:unlock', [4826])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await a.call('admin:setPin', [null, 'other-1234'])).toEqual(locked('An admin PIN is set: enter the current PIN to change it.'));
    expect(await a.call('admin:unlock', [PIN])).toEqual(status({ unlocked: true, retryAfterSeconds: 0 }));
    expect(await a.call('audit:run', ['no-such-lab'])).toMatchObject({ ok: false, error: { code: 'LAB_NOT_FOUND' } });
    await a.call('admin:lock', []);
    const log = core.log.lines.join('\n');
    expect(log).toContain('admin PIN refused');
    expect(log).not.toContain(PIN);
    expect(log).not.toContain('4826');
    // The PIN file of the core's data folder: only its owner reads it, and it holds no PIN.
    expect(statSync(pinFilePath(dataDir)).mode & 0o777).toBe(0o600);
    expect(readFileSync(pinFilePath(dataDir), 'utf8')).not.toContain(PIN);
  });
});
