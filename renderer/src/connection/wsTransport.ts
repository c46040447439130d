// The browser's transport to the bridge: one WebSocket at /api, speaking electron/api/wire.ts.
// It says hello with the token, reconnects with back-off when the socket drops (the bridge can restart),
// subscribes again to every event someone listens to, and rejects calls in flight when the line drops.
import type { Transport } from '../../../electron/api/client';
import type { EventName, MethodName } from '../../../electron/api/contract';
import { CLOSE_UNAUTHORIZED, ServerMessage, type ClientMessage } from '../../../electron/api/wire';
import type { ConnectionMonitor, ConnectionState } from './connectionState';

/** A call that could not complete because the connection to ClassLab went away. */
export class ConnectionLostError extends Error {
  readonly code = 'DISCONNECTED';
  constructor(channel: string, message?: string) {
    super(message ?? `Lost the connection to ClassLab while waiting for ${channel}. Reconnecting… try again in a moment.`);
    this.name = 'ConnectionLostError';
  }
}

interface Pending {
  channel: string;
  resolve: (reply: unknown) => void;
  reject: (err: Error) => void;
}

interface Queued {
  channel: MethodName;
  args: unknown[];
  pending: Pending;
}

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 8000;
/** How long a call made before the first connection waits for it. */
const FIRST_CONNECT_WAIT_MS = 15000;

export interface WsTransport extends Transport, ConnectionMonitor {
  close(): void;
}

export function createWsTransport(url: string, token: string): WsTransport {
  let socket: WebSocket | null = null;
  let state: ConnectionState = { kind: 'connecting' };
  let generation = 0;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closedForGood = false;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const queued: Queued[] = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(s: ConnectionState) => void>();

  const setState = (next: ConnectionState): void => {
    state = next;
    for (const l of [...stateListeners]) l(next);
  };

  const send = (msg: ClientMessage): boolean => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(msg));
    return true;
  };

  const sendInvoke = (channel: MethodName, args: unknown[], p: Pending): void => {
    const id = nextId++;
    pending.set(id, p);
    if (!send({ type: 'invoke', id, channel, args })) {
      pending.delete(id);
      p.reject(new ConnectionLostError(channel));
    }
  };

  const failAll = (makeError: (channel: string) => Error): void => {
    for (const p of pending.values()) p.reject(makeError(p.channel));
    pending.clear();
    for (const q of queued.splice(0)) q.pending.reject(makeError(q.channel));
  };

  const scheduleReconnect = (): void => {
    if (closedForGood) return;
    attempt += 1;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (attempt - 1));
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    setState({ kind: 'reconnecting', retryAt: Date.now() + delay, attempt });
    retryTimer = setTimeout(connect, delay);
  };

  const onMessage = (data: unknown): void => {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerMessage.safeParse(json);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.type === 'welcome') {
      attempt = 0;
      generation += 1;
      for (const event of listeners.keys()) send({ type: 'subscribe', event });
      for (const q of queued.splice(0)) sendInvoke(q.channel, q.args, q.pending);
      setState({ kind: 'open', generation });
    } else if (msg.type === 'reply') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      p.resolve(msg.reply);
    } else {
      const set = listeners.get(msg.event);
      if (set) for (const l of [...set]) l(msg.payload);
    }
  };

  function connect(): void {
    retryTimer = null;
    if (closedForGood) return;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'hello', token } satisfies ClientMessage));
    };
    ws.onmessage = (ev) => {
      if (socket === ws) onMessage(ev.data);
    };
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      socket = null;
      if (ev.code === CLOSE_UNAUTHORIZED) {
        closedForGood = true;
        failAll(() => new ConnectionLostError('', 'This link has expired: run `classlab serve` again and open the new address.'));
        setState({ kind: 'expired' });
        return;
      }
      // Calls already sent cannot be answered any more; calls not yet sent wait for the next connection
      // only while we have never been connected (the first page load), otherwise they fail now.
      for (const p of pending.values()) p.reject(new ConnectionLostError(p.channel));
      pending.clear();
      if (generation > 0) for (const q of queued.splice(0)) q.pending.reject(new ConnectionLostError(q.channel));
      scheduleReconnect();
    };
    // onerror is always followed by onclose, which does the work.
    ws.onerror = () => {};
  }

  connect();
  // Calls queued before the first welcome must not wait forever when the bridge is unreachable.
  setTimeout(() => {
    if (generation === 0) failAll((c) => new ConnectionLostError(c, 'Cannot reach ClassLab. Is `classlab serve` still running?'));
  }, FIRST_CONNECT_WAIT_MS);

  return {
    invoke(channel, args) {
      return new Promise<unknown>((resolve, reject) => {
        const p: Pending = { channel, resolve, reject };
        if (closedForGood) {
          reject(new ConnectionLostError(channel, 'This link has expired: run `classlab serve` again and open the new address.'));
        } else if (state.kind === 'open') {
          sendInvoke(channel, args, p);
        } else if (generation === 0) {
          queued.push({ channel, args, pending: p });
        } else {
          reject(new ConnectionLostError(channel, 'Not connected to ClassLab right now: reconnecting… try again in a moment.'));
        }
      });
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        if (state.kind === 'open') send({ type: 'subscribe', event });
      }
      set.add(listener);
      return () => {
        const current = listeners.get(event);
        if (!current) return;
        current.delete(listener);
        if (current.size === 0) {
          listeners.delete(event);
          if (state.kind === 'open') send({ type: 'unsubscribe', event });
        }
      };
    },
    get: () => state,
    watch(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    retryNow() {
      // Only while waiting out the back-off: an attempt already under way is not doubled.
      if (state.kind !== 'reconnecting' || retryTimer === null) return;
      clearTimeout(retryTimer);
      connect();
    },
    close() {
      closedForGood = true;
      if (retryTimer) clearTimeout(retryTimer);
      socket?.close(1000);
      socket = null;
      failAll((c) => new ConnectionLostError(c, 'The connection to ClassLab was closed.'));
    },
  };
}
