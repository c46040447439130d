// The idle area of the methods table: the lab view reports input (and "Keep working"), and every view can
// read the running labs' idle times (the cap dialog). Both are a student's: they stop nothing.
import type { Labs } from '../labs/labs';
import type { CoreService } from '../types';
import type { IdleWatcher } from './idle-watcher';

export type IdleMethods = Pick<CoreService, 'labs:activity' | 'labs:idle'>;

export function idleHandlers(labs: Labs, idle: IdleWatcher): IdleMethods {
  return {
    'labs:activity': async (id) => {
      labs.get(id);
      idle.viewActivity(id);
      return null;
    },
    'labs:idle': async () => idle.list(),
  };
}
