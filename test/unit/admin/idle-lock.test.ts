// The admin session's timer, on a fake clock: it locks after the idle minutes, activity moves that on,
// Lock ends it at once, and nothing but the PIN opens it.
import { describe, expect, it } from 'vitest';
import { IdleLock } from '../../../electron/core/admin/idle-lock';
import { FakeClock } from './fake-clock';

const MIN = 60_000;

function setup(minutes = 10) {
  const clock = new FakeClock();
  let idle = 0;
  const setting = { minutes };
  const lock = new IdleLock(
    clock,
    () => setting.minutes,
    () => idle++,
  );
  return { clock, lock, setting, idled: () => idle };
}

describe('the admin lock timer', () => {
  it('starts locked', () => {
    const { lock } = setup();
    expect(lock.unlocked).toBe(false);
    expect(lock.locksAt).toBeNull();
  });

  it('locks by itself after the idle minutes, once, and says so', () => {
    const { clock, lock, idled } = setup(10);
    lock.unlock();
    expect(lock.locksAt).toBe(clock.now() + 10 * MIN);
    clock.advance(10 * MIN - 1);
    expect(lock.unlocked).toBe(true);
    expect(idled()).toBe(0);
    clock.advance(1);
    expect(lock.unlocked).toBe(false);
    expect(idled()).toBe(1);
    clock.advance(60 * MIN);
    expect(idled()).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('counts the idle minutes again from each admin activity', () => {
    const { clock, lock, idled } = setup(10);
    lock.unlock();
    clock.advance(9 * MIN);
    lock.touch();
    clock.advance(9 * MIN);
    expect(lock.unlocked).toBe(true);
    clock.advance(MIN);
    expect(lock.unlocked).toBe(false);
    expect(idled()).toBe(1);
    // Only one timer was ever waiting at a time.
    expect(clock.pending).toBe(0);
  });

  it('is never opened by activity while locked', () => {
    const { clock, lock } = setup();
    lock.touch();
    expect(lock.unlocked).toBe(false);
    lock.unlock();
    clock.advance(10 * MIN);
    lock.touch();
    expect(lock.unlocked).toBe(false);
  });

  it('locks at once on Lock, without an idle report, and its timer is gone', () => {
    const { clock, lock, idled } = setup();
    lock.unlock();
    lock.lock();
    expect(lock.unlocked).toBe(false);
    expect(clock.pending).toBe(0);
    clock.advance(20 * MIN);
    expect(idled()).toBe(0);
  });

  it('is locked when the time has passed even before its timer runs (a machine that slept)', () => {
    const { clock, lock, idled } = setup(10);
    lock.unlock();
    clock.jump(11 * MIN);
    expect(lock.unlocked).toBe(false);
    lock.touch();
    expect(lock.unlocked).toBe(false);
    clock.advance(0);
    expect(idled()).toBe(1);
  });

  it('takes a changed setting at the next unlock or activity', () => {
    const { clock, lock, setting } = setup(10);
    lock.unlock();
    setting.minutes = 2;
    lock.touch();
    clock.advance(2 * MIN);
    expect(lock.unlocked).toBe(false);
  });

  it('never counts less than a minute, whatever the setting says', () => {
    const { clock, lock } = setup(0);
    lock.unlock();
    clock.advance(MIN - 1);
    expect(lock.unlocked).toBe(true);
    clock.advance(1);
    expect(lock.unlocked).toBe(false);
  });
});
