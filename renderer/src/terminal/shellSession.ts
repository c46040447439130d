// One shell behind a terminal view: terminal.open, its output drawn and acknowledged, input in order,
// resizes, and its end. Every subscription it makes ends with it (dispose), and a shell it started is
// closed when the view lets go of it, even if the view lets go while the shell is still starting.
import type { Terminal } from '@xterm/xterm';
import type { ErrorCode, LabApi, TerminalData, TerminalExit, TerminalSize } from '../../../electron/api/contract';
import { errorCode, errorMessage } from '../errors';
import { AckCounter, InputQueue, LatestSender } from './outbox';

export type ShellState =
  | { kind: 'starting' }
  | { kind: 'running'; terminalId: string }
  | { kind: 'ended'; reason: string; code: number | null }
  | { kind: 'failed'; message: string; code: ErrorCode | null };

/**
 * Where a shell runs: a lab's container (terminal.*) or, in the admin area, this computer itself
 * (hostTerminal.*). Both answer with the same terminal:data and terminal:exit events and flow control.
 */
export interface ShellChannel {
  open(size: TerminalSize): Promise<{ terminalId: string }>;
  write(id: string, data: string): Promise<null>;
  resize(id: string, size: TerminalSize): Promise<null>;
  ack(id: string, chars: number): Promise<null>;
  close(id: string): Promise<null>;
}

/** A shell in a lab. */
export function labShell(api: LabApi, labId: string): ShellChannel {
  return {
    open: (size) => api.terminal.open(labId, size),
    write: (id, data) => api.terminal.write(id, data),
    resize: (id, size) => api.terminal.resize(id, size),
    ack: (id, chars) => api.terminal.ack(id, chars),
    close: (id) => api.terminal.close(id),
  };
}

/** A shell on this computer, as the desktop user (admin only). */
export function hostShell(api: LabApi): ShellChannel {
  return {
    open: (size) => api.hostTerminal.open(size),
    write: (id, data) => api.hostTerminal.write(id, data),
    resize: (id, size) => api.hostTerminal.resize(id, size),
    ack: (id, chars) => api.hostTerminal.ack(id, chars),
    close: (id) => api.hostTerminal.close(id),
  };
}

export interface ShellHooks {
  onState(state: ShellState): void;
  /** Errors the whole app acts on (ENGINE_DOWN). */
  reportError(err: unknown): void;
}

/** What the view says under a shell that has ended or could not start, or null while it runs. */
export function endMessage(state: ShellState): string | null {
  if (state.kind === 'ended') return state.code === null ? state.reason : `${state.reason} (exit code ${state.code})`;
  if (state.kind === 'failed') return `The shell could not start: ${state.message}`;
  return null;
}

/** The contract's bounds for a terminal size. */
export function clampSize({ cols, rows }: TerminalSize): TerminalSize {
  return { cols: Math.min(1000, Math.max(2, Math.floor(cols))), rows: Math.min(500, Math.max(1, Math.floor(rows))) };
}

/** Events that came before terminal.open answered (their terminal id unknown yet), kept up to this size. */
const EARLY_LIMIT_CHARS = 1024 * 1024;

export const LOST_CONNECTION = 'The connection to ClassLab was lost.';

export class ShellSession {
  private terminalId: string | null = null;
  private phase: 'new' | 'opening' | 'running' | 'ended' | 'disposed' = 'new';
  private early: Array<{ data: TerminalData } | { exit: TerminalExit }> = [];
  private earlyChars = 0;
  /** Typed while the shell was starting: sent once it runs. */
  private typedEarly = '';
  private offs: Array<() => void> = [];
  private readonly input: InputQueue;
  private readonly acks: AckCounter;
  private readonly sizes: LatestSender<TerminalSize>;
  private lastSize: TerminalSize;

  constructor(
    private readonly api: LabApi,
    private readonly channel: ShellChannel,
    private readonly term: Terminal,
    size: TerminalSize,
    private readonly hooks: ShellHooks,
    /** The connection generation this shell was opened in (a reconnection means the bridge closed it). */
    readonly generation: number | null,
  ) {
    this.lastSize = clampSize(size);
    this.input = new InputQueue(
      (data) => this.channel.write(this.terminalId ?? '', data),
      (err) => this.inputFailed(err),
    );
    this.acks = new AckCounter((chars) => this.channel.ack(this.terminalId ?? '', chars));
    this.sizes = new LatestSender((s) => this.channel.resize(this.terminalId ?? '', s));
  }

  get running(): boolean {
    return this.phase === 'running';
  }

  /** Read through a getter: TypeScript would keep the phase narrowed across an await. */
  private get disposed(): boolean {
    return this.phase === 'disposed';
  }

  get ended(): boolean {
    return this.phase === 'ended' || this.phase === 'disposed';
  }

  async open(): Promise<void> {
    if (this.phase !== 'new') return;
    this.phase = 'opening';
    // Listen before asking, so nothing the new shell prints can slip by.
    this.offs.push(
      this.api.on('terminal:data', (d) => this.onData(d)),
      this.api.on('terminal:exit', (e) => this.onExit(e)),
    );
    this.hooks.onState({ kind: 'starting' });
    let terminalId: string;
    try {
      ({ terminalId } = await this.channel.open(this.lastSize));
    } catch (err) {
      if (this.disposed) return;
      this.stopAll();
      this.phase = 'ended';
      const code = errorCode(err);
      if (code === 'ENGINE_DOWN') this.hooks.reportError(err);
      this.hooks.onState({ kind: 'failed', message: errorMessage(err), code });
      return;
    }
    if (this.disposed) {
      // The view went away while the shell was starting: nobody else would ever close it.
      void this.channel.close(terminalId).catch(() => undefined);
      return;
    }
    this.terminalId = terminalId;
    this.phase = 'running';
    this.hooks.onState({ kind: 'running', terminalId });
    const early = this.early;
    this.early = [];
    this.earlyChars = 0;
    for (const e of early) {
      if ('data' in e) this.onData(e.data);
      else this.onExit(e.exit);
    }
    if (this.typedEarly && this.running) this.input.push(this.typedEarly);
    this.typedEarly = '';
    // The view may have been resized while the shell was starting.
    const now = clampSize({ cols: this.term.cols, rows: this.term.rows });
    if (this.running && (now.cols !== this.lastSize.cols || now.rows !== this.lastSize.rows)) this.resize(now);
  }

  /** Keystrokes and pastes from the view. */
  write(data: string): void {
    if (this.phase === 'running') this.input.push(data);
    else if (this.phase === 'opening' || this.phase === 'new') this.typedEarly += data;
  }

  resize(size: TerminalSize): void {
    const s = clampSize(size);
    // While the shell starts, open() compares the view's size with the one it sent once it has an id.
    if (this.phase !== 'running' || (s.cols === this.lastSize.cols && s.rows === this.lastSize.rows)) return;
    this.lastSize = s;
    this.sizes.set(s);
  }

  /** Ends the view's side without closing the shell (it already ended elsewhere), with a reason. */
  endLocally(reason: string): void {
    if (this.phase !== 'running' && this.phase !== 'opening') return;
    this.end(reason, null);
  }

  /** The view lets go: close the shell (terminal.close) unless it has ended, and drop every listener. */
  dispose(): void {
    const wasRunning = this.phase === 'running';
    this.phase = 'disposed';
    this.stopAll();
    if (wasRunning && this.terminalId) void this.channel.close(this.terminalId).catch(() => undefined);
  }

  private onData(d: TerminalData): void {
    if (this.phase === 'opening') {
      if (this.earlyChars + d.data.length <= EARLY_LIMIT_CHARS) {
        this.early.push({ data: d });
        this.earlyChars += d.data.length;
      }
      return;
    }
    if (this.phase !== 'running' || d.terminalId !== this.terminalId) return;
    const chars = d.data.length;
    // Acknowledge what has been drawn, not what has arrived: that is what keeps a flood in check.
    this.term.write(d.data, () => this.acks.add(chars));
  }

  private onExit(e: TerminalExit): void {
    if (this.phase === 'opening') {
      this.early.push({ exit: e });
      return;
    }
    if (this.phase !== 'running' || e.terminalId !== this.terminalId) return;
    this.end(e.reason, e.code);
  }

  private inputFailed(err: unknown): void {
    if (this.phase !== 'running') return;
    const code = errorCode(err);
    if (code === 'ENGINE_DOWN') this.hooks.reportError(err);
    // The bridge closes a view's terminals when its connection drops.
    this.end(code === 'DISCONNECTED' ? LOST_CONNECTION : errorMessage(err), null);
  }

  private end(reason: string, code: number | null): void {
    this.phase = 'ended';
    this.stopAll();
    this.hooks.onState({ kind: 'ended', reason, code });
  }

  private stopAll(): void {
    for (const off of this.offs.splice(0)) off();
    this.early = [];
    this.earlyChars = 0;
    this.typedEarly = '';
    this.input.stop();
    this.acks.stop();
    this.sizes.stop();
  }
}
