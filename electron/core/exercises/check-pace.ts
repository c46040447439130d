// How often a student may check an exercise that has hidden tests. A check tells a verdict per hidden
// test, and a hostile program chooses how to fail (a time limit for 1, a wrong answer for 0): each check
// can leak a few bits of a hidden input. Every judge has this channel; pacing the checks bounds it. A
// student working normally never meets the pace (a handful of checks at once, then one every half
// minute); a program that reads a hidden test out check by check is slowed to a crawl. Pure rules and an
// in-memory record per core: the core serves the window and the browser alike, and a student has no
// other way to ask for a check (`classlab check` is the desktop user's own command, who can read the
// exercises on disk anyway).

/** Checks allowed at once, with no wait. */
export const FREE_CHECKS = 5;
/** One more check becomes free after each such wait. */
export const CHECK_EVERY_MS = 30_000;

/** Checks left and when the record was last brought up to date (ms since epoch). */
export interface Allowance {
  left: number;
  at: number;
}

/** The allowance at `now`: refilled by the time passed since `at`, never above FREE_CHECKS. */
export function allowanceAt(a: Allowance, now: number): Allowance {
  if (now <= a.at) return a; // a clock set back gives nothing back
  const refilled = Math.floor((now - a.at) / CHECK_EVERY_MS);
  if (refilled === 0) return a;
  const left = Math.min(FREE_CHECKS, a.left + refilled);
  return { left, at: left === FREE_CHECKS ? now : a.at + refilled * CHECK_EVERY_MS };
}

/** Takes one check at `now`: the allowance after it, or the wait until one is free. */
export function takeCheck(a: Allowance | undefined, now: number): { ok: true; next: Allowance } | { ok: false; waitMs: number; next: Allowance } {
  const current = a ? allowanceAt(a, now) : { left: FREE_CHECKS, at: now };
  if (current.left > 0) return { ok: true, next: { left: current.left - 1, at: current.at } };
  return { ok: false, waitMs: Math.max(1, current.at + CHECK_EVERY_MS - now), next: current };
}

/** The pace of every (lab, exercise) this core has checked. */
export class CheckPace {
  private readonly allowances = new Map<string, Allowance>();

  constructor(private readonly now: () => number = Date.now) {}

  /** One check of `lab`'s exercise `id`: null when it may run, else the milliseconds to wait. */
  take(lab: string, id: string): number | null {
    const key = `${lab}\u0000${id}`;
    const taken = takeCheck(this.allowances.get(key), this.now());
    this.allowances.set(key, taken.next);
    return taken.ok ? null : taken.waitMs;
  }
}
