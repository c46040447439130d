// The hubs area of the methods table: a student's own server on each hub the admin added. Adding and
// removing hubs is `classlab hub add|remove` (admin); nothing here touches a token.
import type { CoreService } from '../types';
import type { HubLabs } from './hub-labs';

export type HubMethods = Pick<CoreService, 'hubs:list' | 'hubs:open' | 'hubs:stop'>;

export function hubHandlers(hubs: HubLabs): HubMethods {
  return {
    'hubs:list': () => hubs.list(),
    'hubs:open': (id) => hubs.open(id),
    'hubs:stop': (id) => hubs.stop(id),
  };
}
