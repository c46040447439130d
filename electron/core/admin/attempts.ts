// How many wrong PINs in a row, and when the next one may be tried: pure rules on a record that the PIN
// file keeps, so the wait survives a restart of the app (and applies to every process that reads it: the
// window, `classlab serve`, each `classlab` command).
import { z } from 'zod';

export const Attempts = z.object({
  /** Wrong PINs since the last right one. */
  failures: z.number().int().min(0),
  /** No PIN is checked before this time (ms since epoch); 0 when there is no wait. */
  retryAt: z.number().min(0),
});
export type Attempts = z.infer<typeof Attempts>;

export const NO_ATTEMPTS: Attempts = { failures: 0, retryAt: 0 };

/** Wrong PINs allowed with no wait at all (a person who mistypes). */
export const FREE_TRIES = 5;
const FIRST_WAIT_MS = 30_000;
const LONGEST_WAIT_MS = 60 * 60_000;

/** The wait after the `failures`-th wrong PIN in a row: none for the first five, then 30 s, 1 min, 2 min… up to an hour. */
export function waitAfter(failures: number): number {
  if (failures < FREE_TRIES) return 0;
  return Math.min(FIRST_WAIT_MS * 2 ** (failures - FREE_TRIES), LONGEST_WAIT_MS);
}

/**
 * How long until a PIN may be tried. Never more than the wait the last failure was given: a clock set
 * back (or a retryAt far ahead) cannot lock the admin out for longer than that.
 */
export function retryAfterMs(attempts: Attempts, now: number): number {
  return Math.max(0, Math.min(attempts.retryAt - now, waitAfter(attempts.failures)));
}

/** The record after a wrong PIN at `now`. */
export function afterWrongPin(attempts: Attempts, now: number): Attempts {
  const failures = attempts.failures + 1;
  const wait = waitAfter(failures);
  return { failures, retryAt: wait > 0 ? now + wait : 0 };
}

/** Whole seconds, rounded up: "try again in 30 s" never opens a second early. */
export function wholeSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}
