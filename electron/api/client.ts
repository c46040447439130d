// Builds the LabApi object from a transport. Used twice with the same code: by the Electron preload over
// IPC and by the browser over the bridge's WebSocket. Every reply and event is checked against the
// contract before the UI sees it. The methods come from iterating the contract's table (by-area.ts).
import { ApiError, events, methods, Reply, type ErrorCode, type EventName, type EventPayload, type LabApi, type MethodName } from './contract';
import { nestByArea } from './by-area';

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
  return nestByArea(
    (channel) => {
      // Exactly the tuple's arguments, as a hand-written `(id) => call(...)` took: a stray extra one (an
      // event object, say) never crosses the boundary.
      const arity = methods[channel].args.def.items.length;
      return (...args) =>
        call(
          channel,
          Array.from({ length: arity }, (_, i) => args[i]),
        );
    },
    {
      transferBase,
      on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
        // Own keys only: `'toString' in events` is true too.
        if (!Object.hasOwn(events, event)) throw new LabApiError('BAD_REQUEST', `unknown event ${String(event)}`);
        return transport.subscribe(event, (payload) => {
          const parsed = events[event].safeParse(payload);
          if (parsed.success) listener(parsed.data as EventPayload<E>);
        });
      },
    },
  );
}

/**
 * The {code, message} of whatever an API call rejected with: a LabApiError in the browser, or the plain
 * object the Electron preload rejects with (contextBridge carries only an Error's message, so the preload
 * sends plain data to keep the code).
 */
export function apiErrorOf(err: unknown): ApiError {
  const parsed = ApiError.safeParse(
    err && typeof err === 'object' ? { code: (err as { code?: unknown }).code, message: (err as { message?: unknown }).message } : null,
  );
  if (parsed.success) return parsed.data;
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : 'Something went wrong.' };
}
