// The sandboxed preload of the app window: exposes window.classlab (the LabApi of api/contract.ts) and
// nothing else. It is the same client the browser uses over WebSocket, here over IPC. Raw ipcRenderer never
// reaches the page: every function exposed below is our own. Built as one CommonJS file whose only
// require is 'electron', which is all a sandboxed preload may load.
import { contextBridge, ipcRenderer } from 'electron';
import { methodOf, nestByArea, type MethodFunction } from './api/by-area';
import { createApiClient, LabApiError, type Transport } from './api/client';
import type { ApiError, EventName, LabApi } from './api/contract';
import { EVENT_CHANNEL, SUBSCRIBE_CHANNEL, UNSUBSCRIBE_CHANNEL } from './shell/ipc-channels';

type Listener = (payload: unknown) => void;

/** The page's listeners by event. Main sends each event to this window once; it is fanned out here. */
const listeners = new Map<EventName, Set<Listener>>();

ipcRenderer.on(EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  const set = listeners.get(name as EventName);
  if (!set) return;
  // A copy: a listener that unsubscribes while being called must not skip the next one.
  for (const listener of [...set]) listener(payload);
});

const quietly = (promise: Promise<unknown>): void => {
  // Subscription bookkeeping has no caller to report to; a failure here only means fewer events.
  promise.catch(() => undefined);
};

const transport: Transport = {
  invoke: (channel, args) => ipcRenderer.invoke(channel, args),
  subscribe(event, listener) {
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
      // The first listener for this event: ask main to start sending it to this window.
      quietly(ipcRenderer.invoke(SUBSCRIBE_CHANNEL, event));
    }
    // Wrapped, so the same function subscribed twice is two subscriptions, each undone by its own call.
    const entry: Listener = (payload) => listener(payload);
    set.add(entry);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      set.delete(entry);
      if (set.size === 0 && listeners.get(event) === set) {
        listeners.delete(event);
        quietly(ipcRenderer.invoke(UNSUBSCRIBE_CHANNEL, event));
      }
    };
  },
};

/**
 * Errors crossing contextBridge lose everything but their message (Electron copies only `message`), so a
 * LabApiError's code would never reach the page. Rejections cross as a plain {name, code, message}
 * object instead, which the bridge copies whole: the page reads `err.code` the same way in Electron and in
 * the browser.
 */
export type BridgedError = ApiError & { name: 'LabApiError' };

function bridged(fn: MethodFunction): MethodFunction {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (err) {
      const error: BridgedError =
        err instanceof LabApiError
          ? { name: 'LabApiError', code: err.code, message: err.message }
          : { name: 'LabApiError', code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
      throw error;
    }
  };
}

/**
 * The page's copy of the client: one plain function per method of the table (contextBridge copies
 * plain objects and functions, never a class or a prototype), each a `bridged` wrapper of the client's.
 */
function forThePage(api: LabApi): LabApi {
  return nestByArea((channel) => bridged(methodOf(api, channel)), {
    transferBase: api.files.transferBase,
    on: (event, listener) => api.on(event, listener),
  });
}

// Uploads and downloads go to ClassLab's own scheme (shell/transfer-protocol.ts: TRANSFER_BASE).
contextBridge.exposeInMainWorld('classlab', forThePage(createApiClient(transport, 'classlab-files://transfer')));
