// Builds the LabApi object from a transport. Used twice with the same code: by the Electron preload over
// IPC and by the browser over the bridge's WebSocket. Every reply and event is checked against the
// contract before the UI sees it.
import {
  ApiError,
  events,
  methods,
  Reply,
  type ErrorCode,
  type EventName,
  type EventPayload,
  type LabApi,
  type MethodName,
} from './contract';

export interface Transport {
  invoke(channel: MethodName, args: unknown[]): Promise<unknown>;
  /** Starts delivering one event kind; returns the function that stops it. */
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

export class LabApiError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'LabApiError';
    this.code = code;
  }
}

export function createApiClient(transport: Transport, transferBase = ''): LabApi {
  const call = async (channel: MethodName, args: unknown[]): Promise<never> => {
    const reply = Reply.safeParse(await transport.invoke(channel, args));
    if (!reply.success) throw new LabApiError('INTERNAL', `malformed reply on ${channel}`);
    if (!reply.data.ok) throw new LabApiError(reply.data.error.code, reply.data.error.message);
    const value = methods[channel].result.safeParse(reply.data.value);
    if (!value.success) throw new LabApiError('INTERNAL', `reply on ${channel} does not match the contract`);
    return value.data as never;
  };
  return {
    engine: { status: () => call('engine:status', []) },
    labs: {
      list: () => call('labs:list', []),
      open: (id) => call('labs:open', [id]),
      stop: (id) => call('labs:stop', [id]),
      reset: (id) => call('labs:reset', [id]),
    },
    images: { prepare: (id) => call('images:prepare', [id]) },
    notebook: {
      show: (id, rect, path) => call('notebook:show', [id, rect, path]),
      hide: () => call('notebook:hide', []),
    },
    audit: { run: (labId) => call('audit:run', [labId]) },
    files: {
      transferBase,
      list: (labId, path) => call('files:list', [labId, path]),
      mkdir: (labId, path) => call('files:mkdir', [labId, path]),
      move: (labId, from, to) => call('files:move', [labId, from, to]),
      trash: (labId, paths) => call('files:trash', [labId, paths]),
      trashList: (labId) => call('files:trashList', [labId]),
      restore: (labId, trashId) => call('files:restore', [labId, trashId]),
      emptyTrash: (labId) => call('files:emptyTrash', [labId]),
      uploadPlan: (labId, request) => call('files:uploadPlan', [labId, request]),
      uploadCancel: (uploadId) => call('files:uploadCancel', [uploadId]),
      downloadLink: (labId, path) => call('files:downloadLink', [labId, path]),
      importUrl: (labId, dir, url) => call('files:importUrl', [labId, dir, url]),
    },
    git: {
      courseStatus: (labId) => call('git:courseStatus', [labId]),
      sync: (labId) => call('git:sync', [labId]),
      snapshots: (labId) => call('git:snapshots', [labId]),
      restoreSnapshot: (labId, snapshotId) => call('git:restoreSnapshot', [labId, snapshotId]),
      repoStatus: (labId, folder) => call('git:repoStatus', [labId, folder]),
      commit: (labId, folder, message, author) => call('git:commit', [labId, folder, message, author]),
      push: (labId, folder, remoteUrl) => call('git:push', [labId, folder, remoteUrl]),
      setCredentials: (url, username, token) => call('git:setCredentials', [url, username, token]),
      forgetCredentials: (url) => call('git:forgetCredentials', [url]),
    },
    terminal: {
      open: (labId, size) => call('terminal:open', [labId, size]),
      write: (id, data) => call('terminal:write', [id, data]),
      resize: (id, size) => call('terminal:resize', [id, size]),
      ack: (id, chars) => call('terminal:ack', [id, chars]),
      close: (id) => call('terminal:close', [id]),
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      if (!(event in events)) throw new LabApiError('BAD_REQUEST', `unknown event ${String(event)}`);
      return transport.subscribe(event, (payload) => {
        const parsed = events[event].safeParse(payload);
        if (parsed.success) listener(parsed.data as EventPayload<E>);
      });
    },
  };
}

/**
 * The {code, message} of whatever an API call rejected with: a LabApiError in the browser, or the plain
 * object the Electron preload rejects with (contextBridge carries only an Error's message, so the preload
 * sends plain data to keep the code).
 */
export function apiErrorOf(err: unknown): ApiError {
  const parsed = ApiError.safeParse(err && typeof err === 'object' ? { code: (err as { code?: unknown }).code, message: (err as { message?: unknown }).message } : null);
  if (parsed.success) return parsed.data;
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : 'Something went wrong.' };
}
