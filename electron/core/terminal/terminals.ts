// Every open terminal, by id. Terminals of a lab end when the lab stops (their exec streams end with
// the container); the registry forgets a terminal as soon as it has ended, so nothing outlives it.
import type Docker from 'dockerode';
import type { TerminalExit, TerminalInfo, TerminalSize } from '../../api/contract';
import { LabError } from '../../api/errors';
import { LabTerminal, type TerminalSpec } from './terminal';

export interface TerminalEvents {
  data(terminalId: string, data: string): void;
  exit(exit: TerminalExit): void;
}

/** No lab needs more; a runaway script opening terminals in a loop must not exhaust the engine. */
const MAX_PER_LAB = 16;

export class Terminals {
  private readonly open = new Map<string, LabTerminal>();

  constructor(private readonly events: TerminalEvents) {}

  async start(docker: Docker, spec: Omit<TerminalSpec, 'size'>, size: TerminalSize): Promise<TerminalInfo> {
    if ([...this.open.values()].filter((t) => t.labId === spec.labId).length >= MAX_PER_LAB) {
      throw new LabError('BUSY', `At most ${MAX_PER_LAB} terminals per lab: close one first.`);
    }
    const terminal = new LabTerminal(docker, { ...spec, size }, this.events, (t) => this.open.delete(t.id));
    this.open.set(terminal.id, terminal);
    try {
      await terminal.start();
    } catch (err) {
      this.open.delete(terminal.id);
      throw err;
    }
    return { terminalId: terminal.id, labId: spec.labId };
  }

  get(id: string): LabTerminal {
    const t = this.open.get(id);
    if (!t) throw new LabError('BAD_REQUEST', 'This terminal has ended: open a new one.');
    return t;
  }

  find(id: string): LabTerminal | undefined {
    return this.open.get(id);
  }

  /** Closes the terminals of one lab (before a stop or reset), or all of them. */
  async closeAll(labId?: string): Promise<void> {
    await Promise.all([...this.open.values()].filter((t) => !labId || t.labId === labId).map((t) => t.close()));
  }

  /** Open terminals, of one lab or of all. */
  count(labId?: string): number {
    return labId ? [...this.open.values()].filter((t) => t.labId === labId).length : this.open.size;
  }
}
