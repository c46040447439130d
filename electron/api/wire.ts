// Messages on the bridge's WebSocket (/api). The first client message must be `hello` with the bridge
// token; until then nothing else is accepted. Every message is JSON, checked against these schemas.
import { z } from 'zod';
import { EVENT_NAMES, Reply, type EventName } from './contract';

const EventNameSchema = z.enum(EVENT_NAMES as [EventName, ...EventName[]]);

export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), token: z.string().min(1).max(200) }),
  z.object({ type: z.literal('invoke'), id: z.number().int().nonnegative(), channel: z.string().max(100), args: z.array(z.unknown()).max(10) }),
  z.object({ type: z.literal('subscribe'), event: EventNameSchema }),
  z.object({ type: z.literal('unsubscribe'), event: EventNameSchema }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome') }),
  z.object({ type: z.literal('reply'), id: z.number().int().nonnegative(), reply: Reply }),
  z.object({ type: z.literal('event'), event: EventNameSchema, payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** WebSocket close codes the client acts on. */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_PROTOCOL = 4400;
