// The terminal area of the methods table: a shell in a running lab, as its own user, in its workspace.
import type Docker from 'dockerode';
import { LabError } from '../../api/errors';
import type { Labs } from '../labs/labs';
import type { Terminals } from '../terminal/terminals';
import type { CoreService } from '../types';

export type TerminalMethods = Pick<CoreService, 'terminal:open' | 'terminal:write' | 'terminal:resize' | 'terminal:ack' | 'terminal:close'>;

export function terminalHandlers(labs: Labs, terminals: Terminals, docker: () => Docker): TerminalMethods {
  return {
    'terminal:open': async (labId, size) => {
      const { lab, containers } = labs.get(labId);
      const engine = docker();
      if (lab.view.phase !== 'ready') throw new LabError('NOT_READY', `${lab.profile.title} is not running: open it first, then open a terminal.`);
      return terminals.start(
        engine,
        { labId, container: containers.names.container, user: lab.profile.server.user, workdir: lab.profile.server.workspace },
        size,
      );
    },
    'terminal:write': async (id, data) => (terminals.get(id).write(data), null),
    'terminal:resize': async (id, size) => (await terminals.get(id).resize(size), null),
    'terminal:ack': async (id, chars) => (terminals.get(id).ack(chars), null),
    'terminal:close': async (id) => {
      // Closing a terminal that already ended (the lab stopped meanwhile) is fine: it is closed.
      await terminals.find(id)?.close();
      return null;
    },
  };
}
