// The sandboxed preload of the app window: exposes window.classlab (the LabApi of api/contract.ts) and
// nothing else. It is the same client the browser uses over WebSocket, here over IPC. Raw ipcRenderer never
// reaches the page: every function exposed below is our own. Built as one CommonJS file whose only
// require is 'electron', which is all a sandboxed preload may load.
import { contextBridge, ipcRenderer } from 'electron';
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

function bridged<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
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

function forThePage(api: LabApi): LabApi {
  // Every method listed by hand: a new contract method is a type error here until it is exposed.
  return {
    engine: { status: bridged(() => api.engine.status()) },
    labs: {
      list: bridged(() => api.labs.list()),
      open: bridged((id: string) => api.labs.open(id)),
      stop: bridged((id: string) => api.labs.stop(id)),
      reset: bridged((id: string) => api.labs.reset(id)),
    },
    images: { prepare: bridged((id: string) => api.images.prepare(id)) },
    notebook: {
      show: bridged((id: string, rect: Parameters<LabApi['notebook']['show']>[1], path: string | null) => api.notebook.show(id, rect, path)),
      hide: bridged(() => api.notebook.hide()),
    },
    audit: { run: bridged((labId: string | null) => api.audit.run(labId)) },
    files: {
      transferBase: api.files.transferBase,
      list: bridged((labId: string, p: string) => api.files.list(labId, p)),
      mkdir: bridged((labId: string, p: string) => api.files.mkdir(labId, p)),
      move: bridged((labId: string, from: string, to: string) => api.files.move(labId, from, to)),
      trash: bridged((labId: string, paths: string[]) => api.files.trash(labId, paths)),
      trashList: bridged((labId: string) => api.files.trashList(labId)),
      restore: bridged((labId: string, trashId: string) => api.files.restore(labId, trashId)),
      emptyTrash: bridged((labId: string) => api.files.emptyTrash(labId)),
      uploadPlan: bridged((labId: string, request: Parameters<LabApi['files']['uploadPlan']>[1]) => api.files.uploadPlan(labId, request)),
      uploadCancel: bridged((uploadId: string) => api.files.uploadCancel(uploadId)),
      downloadLink: bridged((labId: string, p: string) => api.files.downloadLink(labId, p)),
      importUrl: bridged((labId: string, dir: string, url: string) => api.files.importUrl(labId, dir, url)),
    },
    git: {
      courseStatus: bridged((labId: string) => api.git.courseStatus(labId)),
      sync: bridged((labId: string) => api.git.sync(labId)),
      snapshots: bridged((labId: string) => api.git.snapshots(labId)),
      restoreSnapshot: bridged((labId: string, snapshotId: string) => api.git.restoreSnapshot(labId, snapshotId)),
      repoStatus: bridged((labId: string, folder: string) => api.git.repoStatus(labId, folder)),
      commit: bridged((labId: string, folder: string, message: string, author: Parameters<LabApi['git']['commit']>[3]) => api.git.commit(labId, folder, message, author)),
      push: bridged((labId: string, folder: string, remoteUrl: string) => api.git.push(labId, folder, remoteUrl)),
      setCredentials: bridged((url: string, username: string, token: string) => api.git.setCredentials(url, username, token)),
      forgetCredentials: bridged((url: string) => api.git.forgetCredentials(url)),
    },
    terminal: {
      open: bridged((labId: string, size: Parameters<LabApi['terminal']['open']>[1]) => api.terminal.open(labId, size)),
      write: bridged((id: string, data: string) => api.terminal.write(id, data)),
      resize: bridged((id: string, size: Parameters<LabApi['terminal']['resize']>[1]) => api.terminal.resize(id, size)),
      ack: bridged((id: string, chars: number) => api.terminal.ack(id, chars)),
      close: bridged((id: string) => api.terminal.close(id)),
    },
    on: (event, listener) => api.on(event, listener),
  };
}

// Uploads and downloads go to ClassLab's own scheme (shell/transfer-protocol.ts: TRANSFER_BASE).
contextBridge.exposeInMainWorld('classlab', forThePage(createApiClient(transport, 'classlab-files://transfer')));
