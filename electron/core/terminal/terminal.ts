// One terminal into a lab: a login shell (bash, or sh where bash is missing) as the lab's user, in the
// workspace, over Docker exec with a TTY. Output is decoded as UTF-8 across chunk boundaries, batched, and
// flow-controlled: once too much is unacknowledged by the view, the exec stream is paused, so Docker (and
// the program behind it) waits instead of ClassLab's memory growing.
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { TERMINAL_WINDOW_CHARS, type TerminalExit, type TerminalSize } from '../../api/contract';
import { LabError } from '../../api/errors';
import { statusOf } from '../engine/inspect';
import { execDetached } from '../engine/exec';

/** The shell announces its pid (its session id) in an OSC sequence nobody displays; close uses it. */
// eslint-disable-next-line no-control-regex -- an OSC sequence is ESC ] … BEL
const PID_MARK = /\u001b\]697;classlab-pid=(\d+)\u0007/;
const SHELL = ['/bin/sh', '-c', 'printf "\\033]697;classlab-pid=%s\\007" "$$"; if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi'];
/** Ends every process of the shell's session: HUP first (editors save, shells clean up), KILL after. */
const KILL_SESSION = [
  '/bin/sh',
  '-c',
  'if command -v pkill >/dev/null 2>&1; then pkill -HUP -s "$1"; sleep 0.3; pkill -KILL -s "$1"; else kill -HUP -"$1"; sleep 0.3; kill -KILL -"$1"; fi; true',
  'classlab-close',
];

const FLUSH_CHARS = 64 * 1024;
/** Resume below this many unacknowledged characters (pause above the contract's window). */
const RESUME_BELOW = TERMINAL_WINDOW_CHARS / 4;

export interface TerminalSink {
  data(terminalId: string, data: string): void;
  exit(exit: TerminalExit): void;
}

export interface TerminalSpec {
  labId: string;
  container: string;
  user: string;
  workdir: string;
  size: TerminalSize;
}

export class LabTerminal {
  readonly id = `t${randomBytes(8).toString('hex')}`;
  private stream: Duplex | null = null;
  private exec: Docker.Exec | null = null;
  private shellPid: number | null = null;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private flushTimer: NodeJS.Immediate | null = null;
  private unacked = 0;
  private paused = false;
  private ended = false;
  private closing = false;
  private started = false;

  constructor(
    private readonly docker: Docker,
    readonly spec: TerminalSpec,
    private readonly sink: TerminalSink,
    private readonly onEnded: (t: LabTerminal) => void,
  ) {}

  get labId(): string {
    return this.spec.labId;
  }

  async start(): Promise<void> {
    const { container, user, workdir, size } = this.spec;
    try {
      this.exec = await this.docker.getContainer(container).exec({
        Cmd: SHELL,
        User: user,
        WorkingDir: workdir,
        Env: ['TERM=xterm-256color', 'COLORTERM=truecolor', 'LANG=C.UTF-8', 'LC_ALL=C.UTF-8'],
        Tty: true,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
      });
      this.stream = (await this.exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex;
    } catch (err) {
      const code = statusOf(err);
      if (code === 409 || code === 404) throw new LabError('NOT_READY', 'The lab is not running: open it first, then open a terminal.');
      throw err;
    }
    this.stream.on('data', (chunk: Buffer) => this.take(this.decoder.write(chunk)));
    this.stream.once('end', () => void this.finish());
    this.stream.once('close', () => void this.finish());
    this.stream.on('error', () => void this.finish());
    // API 1.41 starts a TTY exec at 0×0: size it at once (STACK-NOTES).
    await this.resize(size);
    // The caller learns the terminal's id only after this returns (and the view's scope starts accepting
    // its output in a continuation after that), so what came before, usually the prompt, is held until
    // the next turn of the event loop instead of going to nobody.
    this.started = true;
    this.flushTimer ??= setImmediate(() => this.flush());
  }

  write(data: string): void {
    if (this.ended || !this.stream) throw new LabError('BAD_REQUEST', 'This terminal has ended.');
    this.stream.write(data);
  }

  async resize({ cols, rows }: TerminalSize): Promise<void> {
    if (this.ended || !this.exec) return;
    try {
      await this.exec.resize({ h: rows, w: cols });
    } catch {
      // The shell may end between the check and the call; a resize of an ended exec is harmless.
    }
  }

  /** The view has drawn `chars` more characters: let output flow again once it has caught up. */
  ack(chars: number): void {
    this.unacked = Math.max(0, this.unacked - chars);
    if (this.paused && this.unacked < RESUME_BELOW) {
      this.paused = false;
      this.stream?.resume();
    }
  }

  /** Ends the shell and everything it started in its session (the Docker API cannot kill an exec). */
  async close(): Promise<void> {
    if (this.ended || this.closing) return;
    this.closing = true;
    // Nobody will read what is still coming: let it drain so the stream can end.
    this.paused = false;
    this.stream?.resume();
    if (this.shellPid) {
      try {
        await execDetached(this.docker, this.spec.container, [...KILL_SESSION, String(this.shellPid)], this.spec.user);
        await waitUntil(() => this.ended, 3000);
      } catch {
        // The container is gone or stopping: its processes go with it.
      }
    }
    this.stream?.destroy();
    await this.finish('The terminal was closed.');
  }

  /** Whether the lab's container stopped (the reason the shell ended). Docker can report a killed
   *  container as running for a moment after its execs have ended, so look again shortly after. */
  private async labStopped(): Promise<boolean> {
    const container = this.docker.getContainer(this.spec.container);
    for (let i = 0; i < 5; i++) {
      const info = await container.inspect();
      if (!info.State.Running || info.State.Restarting) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  private take(text: string): void {
    if (!text || this.closing) return;
    if (this.shellPid === null) {
      const m = PID_MARK.exec(this.pending + text);
      if (m) {
        this.shellPid = Number(m[1]);
        const all = (this.pending + text).replace(PID_MARK, '');
        this.pending = '';
        text = all;
      }
    }
    this.pending += text;
    this.unacked += text.length;
    if (this.unacked > TERMINAL_WINDOW_CHARS && !this.paused) {
      this.paused = true;
      this.stream?.pause();
    }
    // Batching without a delay: whatever arrives in the same turn of the event loop goes out as one
    // message (a flood arrives as many chunks per turn), while a keystroke's echo is sent at once.
    if (!this.started) return;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
    else this.flushTimer ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = null;
    if (!this.pending) return;
    const data = this.pending;
    this.pending = '';
    this.sink.data(this.id, data);
  }

  private async finish(reason?: string): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.take(this.decoder.end());
    this.flush();
    let code: number | null = null;
    let why = reason ?? (this.closing ? 'The terminal was closed.' : 'The shell exited.');
    try {
      const info = await this.exec?.inspect();
      code = info?.ExitCode ?? null;
      if (!reason && !this.closing && (await this.labStopped())) why = 'The lab stopped.';
    } catch {
      if (!reason && !this.closing) why = 'The lab stopped.';
    }
    this.stream?.removeAllListeners('data');
    this.sink.exit({ terminalId: this.id, code, reason: why });
    this.onEnded(this);
  }
}

async function waitUntil(done: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
}
