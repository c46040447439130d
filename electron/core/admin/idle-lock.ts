// The admin session's clock: open after the right PIN, closed again after some idle minutes or on Lock.
// Pure logic on an injected clock and timer, so tests move time by hand.

export interface LockClock {
  now(): number;
  /** Runs `fn` after `ms`; returns the function that cancels it. Must not keep a process alive. */
  later(fn: () => void, ms: number): () => void;
}

export const systemClock: LockClock = {
  now: () => Date.now(),
  later(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export class IdleLock {
  /** When the session locks by itself (ms since epoch), or null while locked. */
  private until: number | null = null;
  private cancelTimer: (() => void) | null = null;

  /**
   * @param minutes the idle minutes, read at each unlock and activity (a changed setting applies at once)
   * @param onIdle called once when the session locks by itself
   */
  constructor(
    private readonly clock: LockClock,
    private readonly minutes: () => number,
    private readonly onIdle: () => void,
  ) {}

  get unlocked(): boolean {
    return this.until !== null && this.clock.now() < this.until;
  }

  /** When it will lock by itself, or null while locked. */
  get locksAt(): number | null {
    return this.unlocked ? this.until : null;
  }

  unlock(): void {
    this.arm();
  }

  /** Admin activity: the idle minutes count again from now. Nothing while locked (activity never unlocks). */
  touch(): void {
    if (this.unlocked) this.arm();
  }

  lock(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.until = null;
  }

  private arm(): void {
    this.until = this.clock.now() + Math.max(1, this.minutes()) * 60_000;
    this.schedule();
  }

  /** A timer for the moment the session is due to lock; one that fires early (a clock jump) waits the rest. */
  private schedule(): void {
    this.cancelTimer?.();
    const until = this.until;
    if (until === null) return;
    this.cancelTimer = this.clock.later(
      () => {
        this.cancelTimer = null;
        if (this.until !== until) return;
        if (this.unlocked) {
          this.schedule();
          return;
        }
        this.lock();
        this.onIdle();
      },
      Math.max(0, until - this.clock.now()),
    );
  }
}
