// A clock the test moves by hand, for the admin lock's timer and its waits.
import type { LockClock } from '../../../electron/core/admin/idle-lock';

export class FakeClock implements LockClock {
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;
  constructor(public time = Date.UTC(2025, 0, 6, 9, 0, 0)) {}

  now(): number {
    return this.time;
  }

  later(fn: () => void, ms: number): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }

  /** Moves time on by `ms`, running each timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t.id !== due.id);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = end;
  }

  /** Sets the wall clock without running timers (a clock changed by hand, a laptop asleep). */
  jump(ms: number): void {
    this.time += ms;
  }

  get pending(): number {
    return this.timers.length;
  }
}
