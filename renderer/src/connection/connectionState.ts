// How the UI is connected to ClassLab's Node side. In Electron the preload is always there ('open');
// in a browser the WebSocket to the bridge can drop and come back, or its token can be refused.
export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'open'; /** Increments on every (re)connection: views reload what they may have missed. */ generation: number }
  | { kind: 'reconnecting'; retryAt: number; attempt: number }
  | { kind: 'expired' }
  | { kind: 'no-token' };

export interface ConnectionMonitor {
  get(): ConnectionState;
  watch(listener: (state: ConnectionState) => void): () => void;
  /** Try to reconnect now instead of waiting for the back-off. */
  retryNow(): void;
}

export function staticConnection(state: ConnectionState): ConnectionMonitor {
  return { get: () => state, watch: () => () => {}, retryNow: () => {} };
}
