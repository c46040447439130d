// The one subscription registry of both transports: one core subscription per (client, event), whatever
// the client asks twice, and nothing left behind when a client goes away or the registry is disposed.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { EventName, EventPayload, LabView } from '../../../electron/api/contract';
import { EventSubscriptions, type Deliver } from '../../../electron/api/subscriptions';
import { labView } from '../../support/fixtures';

function fakeCore() {
  const emitter = new EventEmitter();
  const subscribe = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): (() => void) => {
    emitter.on(event, listener);
    return () => emitter.off(event, listener);
  };
  const listeners = () => emitter.eventNames().reduce((n, e) => n + emitter.listenerCount(e), 0);
  return { emitter, subscribe, listeners };
}

function inbox() {
  const got: Array<[EventName, unknown]> = [];
  const deliver: Deliver = (event, payload) => got.push([event, payload]);
  return { got, deliver };
}

const ready: LabView = labView({ phase: 'ready' });

describe('EventSubscriptions', () => {
  it('delivers an event to each client that asked for it, once however often it asked', () => {
    const core = fakeCore();
    const subs = new EventSubscriptions<string>(core.subscribe);
    const a = inbox();
    const b = inbox();
    subs.add('a', 'labs:changed', a.deliver);
    subs.add('a', 'labs:changed', a.deliver);
    subs.add('b', 'engine:changed', b.deliver);
    core.emitter.emit('labs:changed', ready);
    expect(a.got).toEqual([['labs:changed', ready]]);
    expect(b.got).toEqual([]);
    expect(core.emitter.listenerCount('labs:changed')).toBe(1);
    expect(subs.count('a')).toBe(1);
    expect(subs.count()).toBe(2);
  });

  it('stops one event of one client, and ignores removing what was never there', () => {
    const core = fakeCore();
    const subs = new EventSubscriptions<number>(core.subscribe);
    const a = inbox();
    subs.add(1, 'labs:changed', a.deliver);
    subs.add(1, 'images:progress', a.deliver);
    subs.remove(1, 'labs:changed');
    subs.remove(1, 'labs:changed');
    subs.remove(2, 'engine:changed');
    core.emitter.emit('labs:changed', ready);
    expect(a.got).toEqual([]);
    expect(subs.count(1)).toBe(1);
    expect(core.listeners()).toBe(1);
    // Asking again after a remove subscribes again.
    subs.add(1, 'labs:changed', a.deliver);
    core.emitter.emit('labs:changed', ready);
    expect(a.got).toEqual([['labs:changed', ready]]);
  });

  it('ends all of a client’s subscriptions when it goes away, and only that client’s', () => {
    const core = fakeCore();
    const subs = new EventSubscriptions<object>(core.subscribe);
    const gone = {};
    const stays = {};
    const b = inbox();
    subs.add(gone, 'labs:changed', inbox().deliver);
    subs.add(gone, 'terminal:data', inbox().deliver);
    subs.add(stays, 'labs:changed', b.deliver);
    subs.release(gone);
    subs.release(gone);
    expect(subs.count(gone)).toBe(0);
    expect(core.listeners()).toBe(1);
    core.emitter.emit('labs:changed', ready);
    expect(b.got).toHaveLength(1);
  });

  it('leaves nothing behind when disposed, or when the core refuses a subscription', () => {
    const core = fakeCore();
    const subs = new EventSubscriptions<number>(core.subscribe);
    subs.add(1, 'labs:changed', inbox().deliver);
    subs.add(2, 'git:progress', inbox().deliver);
    subs.dispose();
    expect(core.listeners()).toBe(0);
    expect(subs.count()).toBe(0);

    const refusing = new EventSubscriptions<number>(() => {
      throw new Error('core not ready');
    });
    expect(() => refusing.add(1, 'labs:changed', inbox().deliver)).toThrow('core not ready');
    expect(refusing.count()).toBe(0);
  });

  it('lets the client’s own deliver decide what it sees (its own terminals only, say)', () => {
    const core = fakeCore();
    const subs = new EventSubscriptions<number>(core.subscribe);
    const mine = new Set(['t0000000000000001']);
    const got: unknown[] = [];
    subs.add(1, 'terminal:data', (event, payload) => {
      if (event === 'terminal:data' && mine.has((payload as EventPayload<'terminal:data'>).terminalId)) got.push(payload);
    });
    core.emitter.emit('terminal:data', { terminalId: 't0000000000000001', data: 'mine' });
    core.emitter.emit('terminal:data', { terminalId: 't0000000000000002', data: 'theirs' });
    expect(got).toEqual([{ terminalId: 't0000000000000001', data: 'mine' }]);
  });
});
