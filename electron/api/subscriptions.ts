// Which core events each client asked for, for every transport: an Electron window over IPC and a browser
// tab over the bridge use this one registry. One core subscription per (client, event), however often the
// client asks (a reloaded page asks again for what it wants: nothing is delivered twice), and all of a
// client's subscriptions end at once when it goes away. What a client may see (its own terminals only)
// is its `deliver` function's business.
import type { EventName, EventPayload } from './contract';

export type Subscribe = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => () => void;

/** Sends one event to one client. */
export type Deliver = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export class EventSubscriptions<Client> {
  private readonly byClient = new Map<Client, Map<EventName, () => void>>();

  constructor(private readonly subscribe: Subscribe) {}

  /** Starts sending `event` to `client`; a no-op when it already has it. */
  add<E extends EventName>(client: Client, event: E, deliver: Deliver): void {
    if (this.byClient.get(client)?.has(event)) return;
    // Subscribed first: a subscribe that throws leaves nothing behind.
    const stop = this.subscribe(event, (payload) => deliver(event, payload));
    let events = this.byClient.get(client);
    if (!events) {
      events = new Map();
      this.byClient.set(client, events);
    }
    events.set(event, stop);
  }

  remove(client: Client, event: EventName): void {
    const events = this.byClient.get(client);
    const stop = events?.get(event);
    if (!events || !stop) return;
    events.delete(event);
    if (events.size === 0) this.byClient.delete(client);
    stop();
  }

  /** Ends every subscription of one client (a destroyed window, a closed socket). */
  release(client: Client): void {
    const events = this.byClient.get(client);
    if (!events) return;
    this.byClient.delete(client);
    for (const stop of events.values()) stop();
  }

  /** Subscriptions of one client, or of all clients. */
  count(client?: Client): number {
    if (client !== undefined) return this.byClient.get(client)?.size ?? 0;
    let n = 0;
    for (const events of this.byClient.values()) n += events.size;
    return n;
  }

  dispose(): void {
    for (const client of [...this.byClient.keys()]) this.release(client);
  }
}
