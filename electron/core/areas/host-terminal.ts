// The host terminal area of the methods table: a shell on this computer, as the desktop user, for
// engine set-up and diagnostics. Every method is an admin method (admin/admin-methods.ts); every shell
// is closed when the admin area locks. Its output is an event to the view that opened it, never a log line.
import type { AdminStatus } from '../../api/contract';
import { LOCKED_REASON, type HostTerminals } from '../hostterm/host-terminals';
import type { CoreService } from '../types';

export type HostTerminalMethods = Pick<
  CoreService,
  'hostTerminal:open' | 'hostTerminal:write' | 'hostTerminal:resize' | 'hostTerminal:ack' | 'hostTerminal:close'
>;

export function hostTerminalHandlers(terminals: HostTerminals): HostTerminalMethods {
  return {
    'hostTerminal:open': (size) => terminals.start(size),
    'hostTerminal:write': async (id, data) => (terminals.get(id).write(data), null),
    'hostTerminal:resize': async (id, size) => (terminals.get(id).resize(size), null),
    'hostTerminal:ack': async (id, chars) => (terminals.find(id)?.ack(chars), null),
    'hostTerminal:close': async (id) => {
      await terminals.find(id)?.close();
      return null;
    },
  };
}

/** What the admin lock's status changes mean for host terminals: locked, all of them close. */
export function closeWhenLocked(terminals: HostTerminals): (status: AdminStatus) => void {
  return (status) => {
    if (!status.unlocked) void terminals.closeAll(LOCKED_REASON);
  };
}
