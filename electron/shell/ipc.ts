// Binds the contract to ipcMain: one handler per contract method (arguments checked by dispatch), plus
// event subscription. Every call is first checked to come from the app's own page in one of our windows;
// a notebook view has no preload, but a page that somehow got one must still not reach the core.
import { EVENT_NAMES, METHOD_NAMES, type EventName, type Reply } from '../api/contract';
import { dispatch } from '../api/dispatch';
import { toApiError } from '../api/errors';
import { ClientScope } from '../core/client-scope';
import type { ClassLabCore, Logger } from '../core/types';
import { toDisposable, DisposableStore, type Disposable } from './disposables';
import { EVENT_CHANNEL, SUBSCRIBE_CHANNEL, UNSUBSCRIBE_CHANNEL } from './ipc-channels';
import { labServiceFor, type NotebookPort } from '../api/lab-service';
import { EventSubscriptions } from '../api/subscriptions';

/** The part of a webContents this module needs (so tests need no Electron). */
export interface EventSink {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  once(event: 'destroyed', listener: () => void): unknown;
}

/** The parts of Electron's IpcMainInvokeEvent this module reads. */
export interface InvokeEventLike {
  readonly sender: EventSink;
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

/** The parts of ipcMain this module uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcDeps {
  ipc: IpcMainLike;
  /** The core, possibly still starting: calls wait for it. */
  core: Promise<Pick<ClassLabCore, 'service' | 'subscribe' | 'admin'>>;
  /** True when the call comes from the app page, in its main frame, of one of our windows. */
  isTrustedSender(event: InvokeEventLike): boolean;
  /** Notebook placement for the window of this sender. */
  notebookFor(sender: EventSink): NotebookPort;
  log: Logger;
}

const UNTRUSTED: Reply = { ok: false, error: { code: 'UNAUTHORIZED', message: 'this page may not use ClassLab' } };

function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENT_NAMES as string[]).includes(value);
}

function frameOrigin(event: InvokeEventLike): string {
  // Log where an untrusted call came from without its path or query (a URL may hold a token).
  try {
    return event.senderFrame ? new URL(event.senderFrame.url).origin : 'no frame';
  } catch {
    return 'unparsable url';
  }
}

export function bindIpc(deps: IpcDeps): Disposable {
  const { ipc, core, log } = deps;
  const store = new DisposableStore();
  let resolved: Pick<ClassLabCore, 'service' | 'subscribe' | 'admin'> | null = null;
  const ready = core.then((c) => {
    resolved = c;
    return c;
  });
  // Which events each window asked for (by webContents id). Only used after `ready` (the handlers await
  // it first), so subscribing stays synchronous.
  const subscriptions = new EventSubscriptions<number>((event, listener) => {
    if (!resolved) throw new Error('core not ready');
    return resolved.subscribe(event, listener);
  });
  // One scope per window: its terminals are its own, and are closed when the window goes away, with all
  // of its subscriptions. Events go to the window that subscribed, never to "the first window".
  const scopes = new Map<number, ClientScope>();
  const scopeFor = (sender: EventSink, c: Pick<ClassLabCore, 'service' | 'admin'>): ClientScope => {
    let scope = scopes.get(sender.id);
    if (!scope) {
      const created = new ClientScope(labServiceFor(c, deps.notebookFor(sender)));
      scopes.set(sender.id, created);
      sender.once('destroyed', () => {
        scopes.delete(sender.id);
        subscriptions.release(sender.id);
        void created.dispose();
      });
      scope = created;
    }
    return scope;
  };
  // A core that fails to start is reported on every call; this keeps Node from also calling it unhandled.
  ready.catch(() => undefined);

  const guarded = (channel: string, run: (event: InvokeEventLike, args: unknown) => Promise<Reply>): void => {
    ipc.handle(channel, async (event, args) => {
      if (!deps.isTrustedSender(event)) {
        log.warn('refused an IPC call from an untrusted frame', { channel, from: frameOrigin(event) });
        return UNTRUSTED;
      }
      try {
        return await run(event, args);
      } catch (err) {
        return { ok: false, error: toApiError(err) } satisfies Reply;
      }
    });
    store.add(toDisposable(() => ipc.removeHandler(channel)));
  };

  for (const channel of METHOD_NAMES) {
    guarded(channel, async (event, args) => {
      const c = await ready;
      return dispatch(scopeFor(event.sender, c).service, channel, args);
    });
  }

  guarded(SUBSCRIBE_CHANNEL, async (event, name) => {
    if (!isEventName(name)) return { ok: false, error: { code: 'BAD_REQUEST', message: `unknown event ${String(name).slice(0, 60)}` } };
    const c = await ready;
    const sink = event.sender;
    if (store.isDisposed || sink.isDestroyed()) return { ok: true, value: null };
    const scope = scopeFor(sink, c);
    subscriptions.add(sink.id, name, (e, payload) => {
      // Terminal output only for this window's own terminals.
      if (!sink.isDestroyed() && scope.accepts(e, payload)) sink.send(EVENT_CHANNEL, e, payload);
    });
    return { ok: true, value: null };
  });

  guarded(UNSUBSCRIBE_CHANNEL, async (event, name) => {
    if (!isEventName(name)) return { ok: false, error: { code: 'BAD_REQUEST', message: `unknown event ${String(name).slice(0, 60)}` } };
    await ready;
    subscriptions.remove(event.sender.id, name);
    return { ok: true, value: null };
  });

  store.add(toDisposable(() => subscriptions.dispose()));
  store.add(
    toDisposable(() => {
      for (const scope of scopes.values()) void scope.dispose();
      scopes.clear();
    }),
  );

  return store;
}
