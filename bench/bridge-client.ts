// The benchmark's client of the bridge's WebSocket API, as a browser tab speaks it: hello with the token,
// invoke methods, subscribe to events. Raw JSON on purpose: the bench measures the wire, not a wrapper.
import WebSocket from 'ws';

export interface BridgeClient {
  invoke(channel: string, args: unknown[]): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;
  /** Fire and forget (id 0: no reply is waited for). */
  send(channel: string, args: unknown[]): void;
  onEvent(listener: (event: string, payload: unknown) => void): void;
  subscribe(event: string): void;
  close(): void;
}

export async function connectBridge(port: number, token: string): Promise<BridgeClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { origin: `http://127.0.0.1:${port}` });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let nextId = 1;
  const replies = new Map<number, (r: { ok: boolean; value?: unknown }) => void>();
  const listeners: Array<(event: string, payload: unknown) => void> = [];
  ws.on('message', (raw) => {
    const msg = JSON.parse(raw.toString()) as { type: string; id?: number; reply?: { ok: boolean; value?: unknown }; event?: string; payload?: unknown };
    if (msg.type === 'reply' && msg.id !== undefined) {
      replies.get(msg.id)?.(msg.reply!);
      replies.delete(msg.id);
    }
    if (msg.type === 'event' && msg.event) for (const l of listeners) l(msg.event, msg.payload);
  });
  ws.send(JSON.stringify({ type: 'hello', token }));
  return {
    invoke: (channel, args) =>
      new Promise((resolve) => {
        const id = nextId++;
        replies.set(id, resolve);
        ws.send(JSON.stringify({ type: 'invoke', id, channel, args }));
      }),
    send: (channel, args) => ws.send(JSON.stringify({ type: 'invoke', id: 0, channel, args })),
    onEvent: (l) => void listeners.push(l),
    subscribe: (event) => ws.send(JSON.stringify({ type: 'subscribe', event })),
    close: () => ws.close(),
  };
}
