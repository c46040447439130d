// What a terminal sends to ClassLab, one call at a time so it arrives in order over any transport, with
// whatever comes meanwhile merged into the next call: keystrokes typed in one tick travel together, a
// fast typist's keys queue up behind a slow reply instead of racing it, and acknowledgements add up.

/** The contract's limit for one terminal:write. */
export const MAX_WRITE_CHARS = 64 * 1024;

/** Splits off at most `max` UTF-16 units without cutting a surrogate pair (an emoji) in two. */
export function takeChunk(text: string, max: number): [string, string] {
  if (text.length <= max) return [text, ''];
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return [text.slice(0, end), text.slice(end)];
}

/** Input for the shell, in order, batched per tick, at most MAX_WRITE_CHARS a call. */
export class InputQueue {
  private pending = '';
  private running = false;
  private stopped = false;

  constructor(
    private readonly send: (data: string) => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  push(data: string): void {
    if (this.stopped || !data) return;
    this.pending += data;
    if (this.running) return;
    this.running = true;
    // Whatever else is typed or pasted in this tick joins this call.
    queueMicrotask(() => void this.pump());
  }

  /** Drops what was not sent yet; nothing is sent afterwards. */
  stop(): void {
    this.stopped = true;
    this.pending = '';
  }

  private async pump(): Promise<void> {
    try {
      while (this.pending && !this.stopped) {
        const [chunk, rest] = takeChunk(this.pending, MAX_WRITE_CHARS);
        this.pending = rest;
        await this.send(chunk);
      }
    } catch (err) {
      this.pending = '';
      if (!this.stopped) this.onError(err);
    } finally {
      this.running = false;
    }
  }
}

/** Acknowledges drawn output: one call in flight, the counts of the others added into the next. */
export class AckCounter {
  private pending = 0;
  private running = false;
  private stopped = false;

  constructor(private readonly send: (chars: number) => Promise<unknown>) {}

  add(chars: number): void {
    if (this.stopped || chars <= 0) return;
    this.pending += chars;
    if (this.running) return;
    this.running = true;
    void this.pump();
  }

  stop(): void {
    this.stopped = true;
  }

  private async pump(): Promise<void> {
    try {
      while (this.pending > 0 && !this.stopped) {
        const chars = this.pending;
        this.pending = 0;
        // A terminal that ended meanwhile refuses the call: nothing to do about it.
        await this.send(chars).catch(() => undefined);
      }
    } finally {
      this.running = false;
    }
  }
}

/** Sends only the newest value (a terminal size), one call at a time. */
export class LatestSender<T> {
  private next: { value: T } | null = null;
  private running = false;
  private stopped = false;

  constructor(private readonly send: (value: T) => Promise<unknown>) {}

  set(value: T): void {
    if (this.stopped) return;
    this.next = { value };
    if (this.running) return;
    this.running = true;
    void this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.next = null;
  }

  private async pump(): Promise<void> {
    try {
      while (this.next && !this.stopped) {
        const { value } = this.next;
        this.next = null;
        await this.send(value).catch(() => undefined);
      }
    } finally {
      this.running = false;
    }
  }
}
