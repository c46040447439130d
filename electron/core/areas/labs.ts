// The labs area of the methods table: the list and the four lab actions, each one call on that lab's Lab.
import type { CoreService } from '../types';
import type { Labs } from '../labs/labs';

export type LabMethods = Pick<CoreService, 'labs:list' | 'labs:open' | 'labs:stop' | 'labs:reset' | 'images:prepare'>;

export function labHandlers(labs: Labs): LabMethods {
  return {
    'labs:list': async () => labs.list(),
    // labs.get throws LAB_NOT_FOUND synchronously: inside an async arrow it is a rejection like any other.
    'labs:open': async (id) => labs.get(id).lab.open(),
    'labs:stop': async (id) => labs.get(id).lab.stop(),
    'labs:reset': async (id) => labs.get(id).lab.reset(),
    'images:prepare': async (id) => labs.get(id).lab.prepare(),
  };
}
