// What one connected view (a browser tab over the bridge, an Electron window over IPC) may see and touch:
// everything, except terminals, which belong to the view that opened them. Their output goes only there,
// other views cannot type into them, and they are closed when that view goes away.
import type { EventName, EventPayload, LabService } from '../api/contract';
import { LabError } from '../api/errors';

export class ClientScope {
  private readonly terminals = new Set<string>();
  /** This view's host terminals (a subset of `terminals`): closed through hostTerminal:close. */
  private readonly hostTerminals = new Set<string>();
  private disposed = false;
  readonly service: LabService;

  constructor(private readonly base: LabService) {
    const owned = (id: string) => {
      if (!this.terminals.has(id)) throw new LabError('UNAUTHORIZED', 'This terminal belongs to another window.');
    };
    this.service = {
      ...base,
      'terminal:open': async (labId, size) => {
        const info = await base['terminal:open'](labId, size);
        if (this.disposed) {
          // The view went away while its terminal was starting: nobody will ever close it otherwise.
          await base['terminal:close'](info.terminalId).catch(() => undefined);
        } else {
          this.terminals.add(info.terminalId);
        }
        return info;
      },
      'terminal:write': async (id, data) => (owned(id), base['terminal:write'](id, data)),
      'terminal:resize': async (id, size) => (owned(id), base['terminal:resize'](id, size)),
      'terminal:ack': async (id, chars) => (owned(id), base['terminal:ack'](id, chars)),
      'terminal:close': async (id) => {
        owned(id);
        this.terminals.delete(id);
        return base['terminal:close'](id);
      },
      // Host terminals are this view's too, by the same rule (and the same terminal:data events).
      'hostTerminal:open': async (size) => {
        const info = await base['hostTerminal:open'](size);
        if (this.disposed) await base['hostTerminal:close'](info.terminalId).catch(() => undefined);
        else {
          this.terminals.add(info.terminalId);
          this.hostTerminals.add(info.terminalId);
        }
        return info;
      },
      'hostTerminal:write': async (id, data) => (owned(id), base['hostTerminal:write'](id, data)),
      'hostTerminal:resize': async (id, size) => (owned(id), base['hostTerminal:resize'](id, size)),
      'hostTerminal:ack': async (id, chars) => (owned(id), base['hostTerminal:ack'](id, chars)),
      'hostTerminal:close': async (id) => {
        owned(id);
        this.terminals.delete(id);
        this.hostTerminals.delete(id);
        return base['hostTerminal:close'](id);
      },
    };
  }

  /** Whether this view should receive an event: terminal output only for its own terminals. */
  accepts<E extends EventName>(event: E, payload: EventPayload<E>): boolean {
    if (event === 'terminal:data') return this.terminals.has((payload as EventPayload<'terminal:data'>).terminalId);
    if (event === 'terminal:exit') {
      const id = (payload as EventPayload<'terminal:exit'>).terminalId;
      const mine = this.terminals.has(id);
      this.terminals.delete(id);
      this.hostTerminals.delete(id);
      return mine;
    }
    return true;
  }

  /** The view is gone: close its terminals. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const ids = [...this.terminals];
    const host = new Set(this.hostTerminals);
    this.terminals.clear();
    this.hostTerminals.clear();
    await Promise.all(ids.map((id) => this.base[host.has(id) ? 'hostTerminal:close' : 'terminal:close'](id).catch(() => undefined)));
  }

  get terminalCount(): number {
    return this.terminals.size;
  }
}
