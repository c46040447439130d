// Every open host terminal, by id. They all end when the admin area locks (by hand, when idle, or when
// ClassLab closes): a shell on this computer is the admin's, and only while the area is open.
import type { HostTerminalInfo, TerminalExit, TerminalSize } from '../../api/contract';
import { LabError } from '../../api/errors';
import { hostShellEnv } from './host-env';
import { desktopShell, HostShell, type PtySpawn, type ShellChoice } from './host-shell';

export interface HostTerminalEvents {
  data(terminalId: string, data: string): void;
  exit(exit: TerminalExit): void;
}

export interface HostTerminalsOptions {
  /** node-pty's spawn (a fake in unit tests); loaded on the first open when absent. */
  spawn?: PtySpawn;
  /** The environment the shell's is made from (scrubbed): this process's by default. */
  env?: NodeJS.ProcessEnv;
  shell?: () => ShellChoice;
}

/** A few are plenty for set-up and diagnostics; a runaway loop must not fill the process table. */
const MAX_OPEN = 8;

export const LOCKED_REASON = 'The admin area locked: the host terminal was closed.';

export class HostTerminals {
  private readonly open = new Map<string, HostShell>();
  private spawn: PtySpawn | null;

  constructor(
    private readonly events: HostTerminalEvents,
    private readonly opts: HostTerminalsOptions = {},
  ) {
    this.spawn = opts.spawn ?? null;
  }

  async start(size: TerminalSize): Promise<HostTerminalInfo> {
    if (this.open.size >= MAX_OPEN) throw new LabError('BUSY', `At most ${MAX_OPEN} host terminals at once: close one first.`);
    const spawn = await this.loadSpawn();
    const choice = (this.opts.shell ?? desktopShell)();
    const shell = new HostShell(spawn, choice, hostShellEnv(this.opts.env ?? process.env), size, this.events, (s) => this.open.delete(s.id));
    this.open.set(shell.id, shell);
    shell.start();
    return { terminalId: shell.id, shell: choice.shell, cwd: choice.cwd };
  }

  get(id: string): HostShell {
    const t = this.open.get(id);
    if (!t || t.closing) throw new LabError('BAD_REQUEST', 'This host terminal has ended: open a new one.');
    return t;
  }

  find(id: string): HostShell | undefined {
    return this.open.get(id);
  }

  async closeAll(reason?: string): Promise<void> {
    await Promise.all([...this.open.values()].map((t) => t.close(reason)));
  }

  count(): number {
    return this.open.size;
  }

  private async loadSpawn(): Promise<PtySpawn> {
    if (this.spawn) return this.spawn;
    try {
      const pty = await import('node-pty');
      const spawn: PtySpawn = (file, args, options) => pty.spawn(file, args, options);
      this.spawn = spawn;
      return spawn;
    } catch (err) {
      throw new LabError('NOT_SUPPORTED', `The host terminal needs node-pty, which did not load here: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
