// A terminal's output on its way to the view: batched without a delay (whatever arrives in one turn of
// the event loop goes out as one message, a keystroke's echo at once) and flow-controlled: once more than
// the contract's window is unacknowledged by the view, the source is paused, so the program behind it
// waits instead of ClassLab's memory growing.
import { TERMINAL_WINDOW_CHARS } from '../../api/contract';

const FLUSH_CHARS = 64 * 1024;
/** Resume below this many unacknowledged characters (pause above the contract's window). */
const RESUME_BELOW = TERMINAL_WINDOW_CHARS / 4;

export interface OutputValve {
  pause(): void;
  resume(): void;
}

export class OutputFlow {
  private pending = '';
  private flushTimer: NodeJS.Immediate | null = null;
  private unacked = 0;
  private paused = false;
  private started = false;

  constructor(
    private readonly send: (data: string) => void,
    private readonly valve: OutputValve,
  ) {}

  /** Output from the program. Held until start() (the view learns the terminal's id only after open returns). */
  push(text: string): void {
    if (!text) return;
    this.pending += text;
    this.unacked += text.length;
    if (this.unacked > TERMINAL_WINDOW_CHARS && !this.paused) {
      this.paused = true;
      this.valve.pause();
    }
    if (!this.started) return;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
    else this.flushTimer ??= setImmediate(() => this.flush());
  }

  /** The view can take output now: what came before goes out on the next turn of the event loop. */
  start(): void {
    this.started = true;
    this.flushTimer ??= setImmediate(() => this.flush());
  }

  /** The view has drawn `chars` more characters: let output flow again once it has caught up. */
  ack(chars: number): void {
    this.unacked = Math.max(0, this.unacked - chars);
    if (this.paused && this.unacked < RESUME_BELOW) {
      this.paused = false;
      this.valve.resume();
    }
  }

  /** Nobody will read what is still coming (closing): let it drain so the source can end. */
  drain(): void {
    if (!this.paused) return;
    this.paused = false;
    this.valve.resume();
  }

  flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = null;
    if (!this.pending) return;
    const data = this.pending;
    this.pending = '';
    this.send(data);
  }
}
