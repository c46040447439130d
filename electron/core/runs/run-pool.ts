// The capped worker pool and bounded queue of quick runs. Pure scheduling (no Docker): at most
// `maxConcurrent` runs at once; up to `maxQueued` wait; one lab may hold at most `perLabQueued` of the
// waiting places. The next run favours the labs with the fewest runs going and waiting (see order()),
// so one lab's flood does not starve the others (its runs go after theirs); a flooding lab is told so.
import type { RunQueueEvent } from '../../api/contract';
import { LabError } from '../../api/errors';

export interface PoolLimits {
  maxConcurrent: number;
  maxQueued: number;
  /** Waiting places one lab may hold. */
  perLabQueued: number;
}

export function poolLimits(maxConcurrent: number, maxQueued: number): PoolLimits {
  return { maxConcurrent, maxQueued, perLabQueued: Math.max(1, Math.ceil(maxQueued / 2)) };
}

interface Waiting {
  runId: string;
  labId: string;
  start: () => void;
  fail: (err: Error) => void;
  lastPosition: number;
  lastThrottled: boolean;
}

export class RunPool {
  private readonly waiting: Waiting[] = [];
  private readonly running = new Map<string, string>(); // runId → labId
  private closed = false;

  constructor(
    private readonly limits: () => PoolLimits,
    private readonly notify: (e: RunQueueEvent) => void,
  ) {}

  /** Runs `job` when a place is free; refused with BUSY when the queue (or the lab's share of it) is full. */
  submit<T>(labId: string, runId: string, job: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new LabError('BUSY', 'ClassLab is closing.'));
    const limits = this.limits();
    if (this.running.size < limits.maxConcurrent && this.waiting.length === 0) return this.go(labId, runId, job);
    if (this.waiting.length >= limits.maxQueued)
      return Promise.reject(
        new LabError('BUSY', `${this.waiting.length} runs are waiting already, the most this computer queues: try again when some have finished.`),
      );
    const mine = this.waiting.filter((w) => w.labId === labId).length;
    if (mine >= limits.perLabQueued)
      return Promise.reject(
        new LabError('BUSY', `This lab has ${mine} runs waiting, its whole share of the queue: wait for them to finish before sending more.`),
      );
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        runId,
        labId,
        start: () => void this.go(labId, runId, job).then(resolve, reject),
        fail: reject,
        lastPosition: -1,
        lastThrottled: false,
      });
      this.announce();
    });
  }

  /** Runs going now and runs waiting, for diagnostics and tests. */
  counts(): { running: number; waiting: number } {
    return { running: this.running.size, waiting: this.waiting.length };
  }

  close(err: Error): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.fail(err);
  }

  private go<T>(labId: string, runId: string, job: () => Promise<T>): Promise<T> {
    this.running.set(runId, labId);
    this.notify({ runId, labId, position: 0, throttled: false, message: null });
    const done = () => {
      this.running.delete(runId);
      this.next();
    };
    let p: Promise<T>;
    try {
      p = job();
    } catch (err) {
      p = Promise.reject(err as Error);
    }
    return p.finally(done);
  }

  private next(): void {
    const { maxConcurrent } = this.limits();
    while (this.running.size < maxConcurrent && this.waiting.length > 0) {
      const order = this.order();
      const first = order[0]!;
      this.waiting.splice(this.waiting.indexOf(first), 1);
      first.start();
    }
    this.announce();
  }

  /**
   * The waiting runs in the order they will start, as things stand: the oldest run of the lab with the
   * fewest runs going, then with the fewest waiting (so a flood goes after a lab with one run), then the
   * oldest. One lab alone: arrival order.
   */
  private order(): Waiting[] {
    const going = new Map<string, number>();
    const queued = new Map<string, number>();
    for (const lab of this.running.values()) going.set(lab, (going.get(lab) ?? 0) + 1);
    for (const w of this.waiting) queued.set(w.labId, (queued.get(w.labId) ?? 0) + 1);
    const key = (w: Waiting) => [going.get(w.labId) ?? 0, queued.get(w.labId) ?? 0] as const;
    const rest = [...this.waiting];
    const out: Waiting[] = [];
    while (rest.length) {
      let best = 0;
      for (let i = 1; i < rest.length; i++) {
        const [g, q] = key(rest[i]!);
        const [bg, bq] = key(rest[best]!);
        if (g < bg || (g === bg && q < bq)) best = i;
      }
      const [w] = rest.splice(best, 1);
      out.push(w!);
      going.set(w!.labId, (going.get(w!.labId) ?? 0) + 1);
      queued.set(w!.labId, (queued.get(w!.labId) ?? 0) - 1);
    }
    return out;
  }

  /** Tells every waiting run whose place (or throttling) changed. */
  private announce(): void {
    const { maxConcurrent } = this.limits();
    const perLab = new Map<string, number>();
    for (const w of this.waiting) perLab.set(w.labId, (perLab.get(w.labId) ?? 0) + 1);
    this.order().forEach((w, i) => {
      const position = i + 1;
      const mine = perLab.get(w.labId) ?? 0;
      const others = this.waiting.length - mine;
      // Slowed: more runs waiting than the pool runs at once, with other labs waiting too or not.
      const throttled = mine > maxConcurrent;
      if (position === w.lastPosition && throttled === w.lastThrottled) return;
      w.lastPosition = position;
      w.lastThrottled = throttled;
      this.notify({
        runId: w.runId,
        labId: w.labId,
        position,
        throttled,
        message: throttled
          ? `This lab has ${mine} runs waiting: its runs go after other labs' runs${others ? ` (${others} of other labs waiting)` : ''}.`
          : null,
      });
    });
  }
}
