// Turns Docker's build and pull streams into one progress view. Pure, so the parsing is unit tested
// against recorded messages. An error message anywhere in a stream is an error, whatever came before.
import { formatBytes } from '../../api/units';

export interface ProgressSnapshot {
  fraction: number | null;
  step: string | null;
  lines: string[];
  error: string | null;
}

const MAX_LINES = 200;

/** One JSON message of Docker's build or pull stream (the fields ClassLab reads). */
export interface DockerStreamMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
  aux?: unknown;
}

abstract class ProgressTracker {
  protected lines: string[] = [];
  protected error: string | null = null;
  protected step: string | null = null;

  protected addLine(line: string): void {
    const clean = stripAnsi(line).replace(/\s+$/, '');
    if (!clean) return;
    this.lines.push(clean.length > 500 ? `${clean.slice(0, 500)}…` : clean);
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
  }

  protected takeError(msg: DockerStreamMessage): boolean {
    const text = msg.errorDetail?.message ?? msg.error;
    if (!text) return false;
    this.error = stripAnsi(text).trim();
    this.addLine(`ERROR: ${this.error}`);
    return true;
  }

  abstract push(msg: DockerStreamMessage): void;
  abstract snapshot(): ProgressSnapshot;
}

/** Classic builder output: "Step 3/9 : RUN …" lines give the fraction. */
export class BuildProgress extends ProgressTracker {
  private current = 0;
  private total = 0;
  private finished = false;

  push(msg: DockerStreamMessage): void {
    if (this.takeError(msg)) return;
    if (typeof msg.stream === 'string') {
      for (const line of msg.stream.split('\n')) {
        const m = /^Step (\d+)\/(\d+) : (.*)$/.exec(stripAnsi(line).trim());
        if (m) {
          this.current = Number(m[1]);
          this.total = Number(m[2]);
          this.step = `Step ${m[1]} of ${m[2]}: ${m[3]!.slice(0, 120)}`;
        }
        if (/^Successfully built /.test(line)) this.finished = true;
        this.addLine(line);
      }
    } else if (typeof msg.status === 'string') {
      // A build that pulls its base image reports pull statuses too.
      this.addLine(msg.id ? `${msg.id}: ${msg.status}` : msg.status);
    }
  }

  snapshot(): ProgressSnapshot {
    let fraction: number | null = null;
    if (this.finished) fraction = 1;
    else if (this.total > 0) fraction = Math.max(0, (this.current - 1) / this.total);
    return { fraction, step: this.step, lines: this.lines.slice(-20), error: this.error };
  }
}

/** Pull output: per-layer bytes summed into one fraction. */
export class PullProgress extends ProgressTracker {
  private layers = new Map<string, { current: number; total: number; done: boolean }>();

  push(msg: DockerStreamMessage): void {
    if (this.takeError(msg)) return;
    const status = msg.status ?? '';
    if (msg.id && /^[a-f0-9]{12,}$/.test(msg.id)) {
      const layer = this.layers.get(msg.id) ?? { current: 0, total: 0, done: false };
      const detail = msg.progressDetail;
      if (status === 'Downloading' && detail?.total) {
        layer.total = detail.total;
        layer.current = Math.min(detail.current ?? 0, detail.total);
      } else if (/^(Download complete|Pull complete|Already exists|Verifying Checksum|Extracting)/.test(status)) {
        if (status !== 'Extracting') layer.done = true;
        if (layer.total) layer.current = layer.total;
      }
      this.layers.set(msg.id, layer);
      if (status !== 'Downloading' && status !== 'Extracting') this.addLine(`${msg.id}: ${status}`);
    } else if (status) {
      this.addLine(status);
    }
    this.step = this.describe();
  }

  private totals(): { current: number; total: number; layers: number; done: number } {
    let current = 0;
    let total = 0;
    let done = 0;
    for (const l of this.layers.values()) {
      current += l.current;
      total += l.total;
      if (l.done) done += 1;
    }
    return { current, total, layers: this.layers.size, done };
  }

  private describe(): string | null {
    const t = this.totals();
    if (!t.layers) return null;
    if (t.total > 0) return `Downloading ${formatBytes(t.current)} of ${formatBytes(t.total)} (${t.done}/${t.layers} layers done)`;
    return `${t.done}/${t.layers} layers done`;
  }

  snapshot(): ProgressSnapshot {
    const t = this.totals();
    let fraction: number | null = null;
    if (t.layers && t.done === t.layers) fraction = 1;
    else if (t.total > 0) fraction = t.current / t.total;
    return { fraction, step: this.step, lines: this.lines.slice(-20), error: this.error };
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;
export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}
