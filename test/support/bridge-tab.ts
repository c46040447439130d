// A browser tab of the bridge, as integration tests drive it: a WebSocket with the bridge's own Origin,
// authenticated with its token, subscribed to some events, with the events it received and a way to call
// methods (each answered by its Reply).
import WebSocket from 'ws';
import type { EventName, MethodName, Reply } from '../../electron/api/contract';
import type { Bridge } from '../../electron/bridge/server';

export interface BridgeTab {
  ws: WebSocket;
  events: Array<{ event: string; payload: unknown }>;
  call(channel: MethodName, args: unknown[]): Promise<Reply>;
}

let nextId = 1;

export async function openBridgeTab(bridge: Pick<Bridge, 'port' | 'token'>, subscribe: readonly EventName[]): Promise<BridgeTab> {
  const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api`, { origin: `http://127.0.0.1:${bridge.port}` });
  await new Promise((r) => ws.once('open', r));
  const events: BridgeTab['events'] = [];
  const replies = new Map<number, (reply: Reply) => void>();
  const welcome = new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { type: string; id?: number; reply?: Reply; event?: string; payload?: unknown };
      if (msg.type === 'welcome') resolve();
      if (msg.type === 'reply') replies.get(msg.id!)?.(msg.reply!);
      if (msg.type === 'event') events.push({ event: msg.event!, payload: msg.payload });
    });
  });
  ws.send(JSON.stringify({ type: 'hello', token: bridge.token }));
  await welcome;
  for (const event of subscribe) ws.send(JSON.stringify({ type: 'subscribe', event }));
  return {
    ws,
    events,
    call: (channel, args) =>
      new Promise((resolve) => {
        const id = nextId++;
        replies.set(id, resolve);
        ws.send(JSON.stringify({ type: 'invoke', id, channel, args }));
      }),
  };
}
