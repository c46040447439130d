// The rate limit on PINs: five free tries, then an increasing wait, never longer than an hour.
import { describe, expect, it } from 'vitest';
import { afterWrongPin, FREE_TRIES, NO_ATTEMPTS, retryAfterMs, waitAfter, wholeSeconds, type Attempts } from '../../../electron/core/admin/attempts';

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

function wrong(times: number, at = T0): Attempts {
  let a = NO_ATTEMPTS;
  for (let i = 0; i < times; i++) a = afterWrongPin(a, at);
  return a;
}

describe('the PIN rate limit', () => {
  it('lets a person mistype five times with no wait', () => {
    expect(FREE_TRIES).toBe(5);
    for (let n = 1; n < 5; n++) expect(retryAfterMs(wrong(n), T0), `${n} wrong`).toBe(0);
  });

  it('then waits 30 s, and doubles the wait with each further wrong PIN, up to an hour', () => {
    expect([5, 6, 7, 8, 9, 10, 11, 12, 13, 20].map(waitAfter)).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
    expect(retryAfterMs(wrong(5), T0)).toBe(30_000);
    expect(retryAfterMs(wrong(5), T0 + 10_000)).toBe(20_000);
    expect(retryAfterMs(wrong(5), T0 + 30_000)).toBe(0);
    expect(retryAfterMs(wrong(6), T0)).toBe(60_000);
  });

  it('counts every wrong PIN in a row: a wait that passed does not forgive the count', () => {
    const after5 = wrong(5);
    const sixth = afterWrongPin(after5, T0 + 31_000);
    expect(sixth.failures).toBe(6);
    expect(retryAfterMs(sixth, T0 + 31_000)).toBe(60_000);
  });

  it('never waits longer than the last wait given, whatever the clock did', () => {
    const a = wrong(5);
    // The clock was set back a day after the failure: still at most the 30 s this failure earned.
    expect(retryAfterMs(a, T0 - 86_400_000)).toBe(30_000);
    // A record edited to wait a year.
    expect(retryAfterMs({ failures: 6, retryAt: T0 + 365 * 86_400_000 }, T0)).toBe(60_000);
    expect(retryAfterMs({ failures: 2, retryAt: T0 + 86_400_000 }, T0)).toBe(0);
  });

  it('says the wait in whole seconds, rounded up', () => {
    expect(wholeSeconds(0)).toBe(0);
    expect(wholeSeconds(1)).toBe(1);
    expect(wholeSeconds(29_001)).toBe(30);
    expect(wholeSeconds(30_000)).toBe(30);
  });
});
