// Which core events each window asked for. One core subscription per (window, event), however many
// listeners the window's preload has for it, and all of a window's subscriptions end when it is destroyed.
// Events go to the window that subscribed, never to "the first window". A reloaded page asks again for
// what it wants; asking for what is already there is a no-op, so nothing is delivered twice.
import type { EventName, EventPayload } from '../api/contract';
import { EVENT_CHANNEL } from './ipc-channels';

/** The part of a webContents this registry needs (so tests need no Electron). */
export interface EventSink {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  once(event: 'destroyed', listener: () => void): unknown;
}

export type Subscribe = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => () => void;

export class SenderSubscriptions {
  private readonly bySender = new Map<number, Map<EventName, () => void>>();
  private readonly watched = new Set<number>();

  constructor(
    private readonly subscribe: Subscribe,
    /** Per-window filter: terminal output goes only to the window that opened the terminal. */
    private readonly accepts: (sinkId: number, event: EventName, payload: unknown) => boolean = () => true,
  ) {}

  add(sink: EventSink, event: EventName): void {
    if (sink.isDestroyed()) return;
    this.watch(sink);
    let events = this.bySender.get(sink.id);
    if (!events) {
      events = new Map();
      this.bySender.set(sink.id, events);
    }
    // Asking twice (a reloaded page re-subscribing, say) must not deliver every event twice.
    if (events.has(event)) return;
    events.set(
      event,
      this.subscribe(event, (payload) => {
        if (!sink.isDestroyed() && this.accepts(sink.id, event, payload)) sink.send(EVENT_CHANNEL, event, payload);
      }),
    );
  }

  remove(sinkId: number, event: EventName): void {
    const events = this.bySender.get(sinkId);
    const stop = events?.get(event);
    if (!events || !stop) return;
    events.delete(event);
    stop();
  }

  /** Ends every subscription of one window (destroyed, or its page is being replaced). */
  release(sinkId: number): void {
    const events = this.bySender.get(sinkId);
    if (!events) return;
    this.bySender.delete(sinkId);
    for (const stop of events.values()) stop();
  }

  count(sinkId: number): number {
    return this.bySender.get(sinkId)?.size ?? 0;
  }

  dispose(): void {
    for (const id of [...this.bySender.keys()]) this.release(id);
  }

  private watch(sink: EventSink): void {
    if (this.watched.has(sink.id)) return;
    this.watched.add(sink.id);
    sink.once('destroyed', () => {
      this.watched.delete(sink.id);
      this.release(sink.id);
    });
  }
}
