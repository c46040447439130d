// One host terminal: the desktop user's shell on this computer, in a pseudo-terminal (node-pty), with the
// lab terminals' output batching and flow control (terminal/output-flow.ts). Its output goes only to the
// view's sink: never to a log.
import { existsSync } from 'node:fs';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { TerminalExit, TerminalSize } from '../../api/contract';
import { LabError } from '../../api/errors';
import { OutputFlow } from '../terminal/output-flow';

/** The part of node-pty's IPty a host shell uses (a fake one in unit tests). */
export interface PtyProcess {
  readonly pid: number;
  onData(listener: (data: string) => void): { dispose(): void };
  onExit(listener: (e: { exitCode: number; signal?: number }) => void): { dispose(): void };
  write(data: string): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
  kill(signal?: string): void;
}

export interface PtySpawnOptions {
  name: string;
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
}

export type PtySpawn = (file: string, args: string[], options: PtySpawnOptions) => PtyProcess;

export interface ShellChoice {
  shell: string;
  cwd: string;
}

/** The desktop user's login shell where it exists, else /bin/bash, else /bin/sh; in the home folder. */
export function desktopShell(): ShellChoice {
  let login: string | null = null;
  try {
    login = os.userInfo().shell;
  } catch {
    // No passwd entry (some containers): take a common one.
  }
  const shell = [login, process.env.SHELL, '/bin/bash', '/bin/sh'].find((s): s is string => !!s && s.startsWith('/') && existsSync(s)) ?? '/bin/sh';
  return { shell, cwd: os.homedir() };
}

export interface HostShellSink {
  data(terminalId: string, data: string): void;
  exit(exit: TerminalExit): void;
}

/** How long a shell may take to end after HUP before it is killed. */
const KILL_AFTER_MS = 1500;

export class HostShell {
  readonly id = `t${randomBytes(8).toString('hex')}`;
  private readonly pty: PtyProcess;
  private readonly output: OutputFlow;
  private ended = false;
  private closeReason: string | null = null;
  private killTimer: NodeJS.Timeout | null = null;
  private readonly ends: Array<() => void> = [];

  constructor(
    spawn: PtySpawn,
    readonly choice: ShellChoice,
    env: Record<string, string>,
    size: TerminalSize,
    private readonly sink: HostShellSink,
    private readonly onEnded: (shell: HostShell) => void,
  ) {
    try {
      this.pty = spawn(choice.shell, ['-l'], { name: 'xterm-256color', cols: size.cols, rows: size.rows, cwd: choice.cwd, env });
    } catch (err) {
      throw new LabError('INTERNAL', `The host shell ${choice.shell} could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.output = new OutputFlow((data) => this.sink.data(this.id, data), this.pty);
    const data = this.pty.onData((text) => this.output.push(text));
    const exit = this.pty.onExit((e) => this.finish(e.exitCode, e.signal));
    this.ends.push(
      () => data.dispose(),
      () => exit.dispose(),
    );
  }

  /** The caller knows the id now: output (the prompt) may go out. */
  start(): void {
    this.output.start();
  }

  write(data: string): void {
    if (this.ended || this.closeReason) throw new LabError('BAD_REQUEST', 'This terminal has ended.');
    this.pty.write(data);
  }

  resize({ cols, rows }: TerminalSize): void {
    if (this.ended) return;
    try {
      this.pty.resize(cols, rows);
    } catch {
      // The shell may end between the check and the call.
    }
  }

  ack(chars: number): void {
    this.output.ack(chars);
  }

  /** Ends the shell: HUP (as a closed terminal window does), KILL if it is still there shortly after. */
  close(reason = 'The terminal was closed.'): Promise<void> {
    if (this.ended) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.ends.push(resolve));
    if (this.closeReason) return done;
    this.closeReason = reason;
    this.output.drain();
    this.signal('SIGHUP');
    this.killTimer = setTimeout(() => this.signal('SIGKILL'), KILL_AFTER_MS);
    this.killTimer.unref();
    return done;
  }

  get closing(): boolean {
    return this.closeReason !== null;
  }

  private signal(name: string): void {
    try {
      this.pty.kill(name);
    } catch {
      // Already gone.
    }
  }

  private finish(exitCode: number, signal: number | undefined): void {
    if (this.ended) return;
    this.ended = true;
    if (this.killTimer) clearTimeout(this.killTimer);
    this.output.flush();
    const code = signal ? 128 + signal : exitCode;
    this.sink.exit({ terminalId: this.id, code, reason: this.closeReason ?? 'The shell exited.' });
    this.onEnded(this);
    for (const end of this.ends.splice(0)) end();
  }
}
