// The admin lock of one ClassLab, on a fake clock and a real PIN file in a folder of the test's own:
// first PIN, unlock, the wait after wrong PINs (and across a restart), the idle lock, a damaged file.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminStatus } from '../../../electron/api/contract';
import { AdminLock } from '../../../electron/core/admin/admin-lock';
import { pinFilePath } from '../../../electron/core/admin/pin-file';
import { FakeClock } from './fake-clock';

const CHEAP = { N: 2 ** 14, r: 8, p: 1 };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(dataDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-admin-')), clock = new FakeClock()) {
  dirs.push(dataDir);
  const changes: AdminStatus[] = [];
  const lines: string[] = [];
  const log = {
    info: (m: string, f?: object) => lines.push(JSON.stringify([m, f])),
    warn: (m: string, f?: object) => lines.push(JSON.stringify([m, f])),
    error: () => {},
  };
  const settings = { minutes: 10 };
  const lock = new AdminLock({ dataDir, lockMinutes: () => settings.minutes, changed: (s) => changes.push(s), log, clock, pinCost: CHEAP });
  return { lock, clock, dataDir, changes, lines, settings };
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = (await p.then(
    () => null,
    (e: unknown) => e,
  )) as { code: string; message: string } | null;
  if (!err) throw new Error('expected a refusal');
  return { code: err.code, message: err.message };
}

describe('the admin lock', () => {
  it('has no PIN at first, and then refuses admin methods until one is set', async () => {
    const { lock } = setup();
    expect(await lock.status()).toEqual({ pinSet: false, unlocked: false, lockMinutes: 10, retryAfterSeconds: 0 });
    expect(await refusal(lock.admit('audit:run'))).toEqual({
      code: 'LOCKED',
      message: 'audit:run is an admin action, and no admin PIN is set yet: set one first.',
    });
    expect(await refusal(lock.unlock('1234'))).toEqual({ code: 'LOCKED', message: 'No admin PIN is set yet: set one first.' });
  });

  it('sets the first PIN (which unlocks), keeps only its hash in a 0600 file, and locks on Lock', async () => {
    const { lock, dataDir, changes, lines } = setup();
    expect(await lock.setPin(null, '4826')).toEqual({ pinSet: true, unlocked: true, lockMinutes: 10, retryAfterSeconds: 0 });
    expect(changes.at(-1)).toMatchObject({ pinSet: true, unlocked: true });
    const file = pinFilePath(dataDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('4826');
    expect(JSON.parse(text)).toMatchObject({ version: 1, pin: { algorithm: 'scrypt' }, attempts: { failures: 0, retryAt: 0 } });
    const done = await lock.admit('images:prepare');
    done();
    expect(await lock.lock()).toMatchObject({ unlocked: false });
    expect(changes.at(-1)).toMatchObject({ unlocked: false });
    expect(await refusal(lock.admit('images:prepare'))).toEqual({ code: 'LOCKED', message: 'The admin area is locked: images:prepare needs the admin PIN.' });
    // The log says what happened, never the PIN.
    expect(lines.join('\n')).not.toContain('4826');
  });

  it('refuses a new PIN shorter than 4 characters, and a second "first" PIN', async () => {
    const { lock } = setup();
    expect(await refusal(lock.setPin(null, '123'))).toEqual({ code: 'BAD_REQUEST', message: 'A PIN has at least 4 digits or characters.' });
    expect((await lock.status()).pinSet).toBe(false);
    await lock.setPin(null, '4826');
    await lock.lock();
    expect(await refusal(lock.setPin(null, '9999'))).toEqual({ code: 'LOCKED', message: 'An admin PIN is set: enter the current PIN to change it.' });
    expect(await refusal(lock.setPin('1111', '9999'))).toEqual({ code: 'LOCKED', message: 'Wrong PIN.' });
    expect(await lock.setPin('4826', '9999')).toMatchObject({ unlocked: true });
    await lock.lock();
    expect(await refusal(lock.unlock('4826'))).toEqual({ code: 'LOCKED', message: 'Wrong PIN.' });
    expect(await lock.unlock('9999')).toMatchObject({ unlocked: true });
  });

  it('says "Wrong PIN." and nothing more, five times; then asks to wait, even for the right PIN', async () => {
    const { lock, clock, lines } = setup();
    await lock.setPin(null, '4826');
    await lock.lock();
    for (let i = 0; i < 5; i++) expect(await refusal(lock.unlock(`000${i}`))).toEqual({ code: 'LOCKED', message: 'Wrong PIN.' });
    expect((await lock.status()).retryAfterSeconds).toBe(30);
    expect(await refusal(lock.unlock('4826'))).toEqual({ code: 'LOCKED', message: 'Too many wrong PINs. Try again in 30 s.' });
    clock.advance(10_000);
    expect(await refusal(lock.unlock('4826'))).toEqual({ code: 'LOCKED', message: 'Too many wrong PINs. Try again in 20 s.' });
    expect((await lock.status()).unlocked).toBe(false);
    clock.advance(20_000);
    expect((await lock.status()).retryAfterSeconds).toBe(0);
    // A sixth wrong PIN doubles the wait.
    expect(await refusal(lock.unlock('0005'))).toEqual({ code: 'LOCKED', message: 'Wrong PIN.' });
    expect((await lock.status()).retryAfterSeconds).toBe(60);
    clock.advance(60_000);
    expect(await lock.unlock('4826')).toMatchObject({ unlocked: true, retryAfterSeconds: 0 });
    // The right PIN forgives the count: five free tries again.
    await lock.lock();
    for (let i = 0; i < 4; i++) await refusal(lock.unlock('1111'));
    expect((await lock.status()).retryAfterSeconds).toBe(0);
    expect(lines.filter((l) => l.includes('admin PIN refused')).length).toBe(10);
    expect(lines.join('\n')).not.toMatch(/4826|000\d|1111/);
  });

  it('keeps the wait across a restart: a new lock on the same data folder still waits', async () => {
    const first = setup();
    await first.lock.setPin(null, '4826');
    await first.lock.lock();
    for (let i = 0; i < 5; i++) await refusal(first.lock.unlock('0000'));
    first.lock.close();
    const clock = new FakeClock(first.clock.now() + 5_000);
    const again = setup(first.dataDir, clock);
    expect(await again.lock.status()).toEqual({ pinSet: true, unlocked: false, lockMinutes: 10, retryAfterSeconds: 25 });
    expect(await refusal(again.lock.unlock('4826'))).toEqual({ code: 'LOCKED', message: 'Too many wrong PINs. Try again in 25 s.' });
    clock.advance(25_000);
    expect(await again.lock.unlock('4826')).toMatchObject({ unlocked: true });
  });

  it('starts locked after a restart, whatever the last session was', async () => {
    const first = setup();
    await first.lock.setPin(null, '4826');
    expect((await first.lock.status()).unlocked).toBe(true);
    const again = setup(first.dataDir);
    expect(await again.lock.status()).toMatchObject({ pinSet: true, unlocked: false });
  });

  it('locks again after the idle minutes of the setting, announces it, and admin calls count as activity', async () => {
    const { lock, clock, changes, settings } = setup();
    settings.minutes = 5;
    await lock.setPin(null, '4826');
    clock.advance(4 * 60_000);
    const done = await lock.admit('audit:run');
    // A long call: its end counts as activity too.
    clock.advance(4 * 60_000);
    done();
    clock.advance(4 * 60_000);
    expect((await lock.status()).unlocked).toBe(true);
    clock.advance(60_000);
    // The announcement reads the PIN file first.
    await expect.poll(() => changes.at(-1)?.unlocked).toBe(false);
    expect(changes.at(-1)).toEqual({ pinSet: true, unlocked: false, lockMinutes: 5, retryAfterSeconds: 0 });
    expect(await refusal(lock.admit('audit:run'))).toMatchObject({ code: 'LOCKED' });
  });

  it('fails closed on a damaged PIN file: pinSet, locked, and a way out that needs this computer', async () => {
    const { lock, dataDir } = setup();
    writeFileSync(pinFilePath(dataDir), '{"version":1,"pin":"4826"}');
    expect(await lock.status()).toMatchObject({ pinSet: true, unlocked: false });
    expect(await refusal(lock.admit('audit:run'))).toMatchObject({ code: 'LOCKED', message: 'The admin area is locked: audit:run needs the admin PIN.' });
    const e = await refusal(lock.unlock('4826'));
    expect(e.code).toBe('LOCKED');
    expect(e.message).toMatch(/classlab admin forget-pin/);
    expect(await refusal(lock.setPin(null, '1234'))).toMatchObject({ code: 'LOCKED' });
  });

  it('checks PINs one at a time, so two at once cannot both skip the count', async () => {
    const { lock } = setup();
    await lock.setPin(null, '4826');
    await lock.lock();
    const all = await Promise.all(Array.from({ length: 7 }, () => refusal(lock.unlock('0000'))));
    expect(all.map((e) => e.message)).toEqual([
      ...Array(5).fill('Wrong PIN.'),
      'Too many wrong PINs. Try again in 30 s.',
      'Too many wrong PINs. Try again in 30 s.',
    ]);
  });
});
