// Every answer of a hub, checked before use: a hub is a remote server, so its answers are hostile input.
// Sizes are capped (names, messages, how many servers and scopes); unknown fields are ignored.
import { z } from 'zod';

const NAME = z.string().min(1).max(255);
const SHORT = z.string().max(2048);
const TIME = z.string().max(64).nullable().optional();

export const HubServer = z.object({
  name: z.string().max(255).optional(),
  ready: z.boolean().optional(),
  stopped: z.boolean().optional(),
  pending: z.enum(['spawn', 'stop']).nullable().optional(),
  url: SHORT.optional(),
  progress_url: SHORT.optional(),
  started: TIME,
  last_activity: TIME,
});
export type HubServer = z.infer<typeof HubServer>;

/** GET /hub/api/user: the token's owner, with only the fields its scopes may read. */
export const HubOwner = z.object({
  kind: z.enum(['user', 'service']).optional(),
  name: NAME,
  admin: z.boolean().optional(),
  /** Present with read:servers; keys are server names ('' is the default server). */
  servers: z
    .record(z.string().max(255), HubServer)
    .refine((s) => Object.keys(s).length <= 100, 'at most 100 servers')
    .optional(),
  pending: z.enum(['spawn', 'stop']).nullable().optional(),
  /** JupyterHub 2+: the scopes of the token that asked. */
  scopes: z.array(z.string().max(512)).max(500).optional(),
});
export type HubOwner = z.infer<typeof HubOwner>;

/** GET /hub/api/: the hub's version (needs no token). */
export const HubInfo = z.object({ version: z.string().max(64) });

/** One event of the progress stream (GET …/server/progress, text/event-stream). */
export const HubProgressEvent = z.object({
  progress: z.number().min(0).max(1000).optional(),
  message: z.string().max(4096).optional(),
  ready: z.boolean().optional(),
  failed: z.boolean().optional(),
  url: SHORT.optional(),
  html_message: z.string().max(8192).optional(),
});
export type HubProgressEvent = z.infer<typeof HubProgressEvent>;

/** POST /hub/api/users/{name}/tokens: the new token (shown once). */
export const HubNewToken = z.object({
  token: z.string().min(8).max(4096),
  id: z.string().max(64).optional(),
  scopes: z.array(z.string().max(512)).max(500).optional(),
});

/** A hub's error body: {status, message}. */
export const HubErrorBody = z.object({ status: z.number().optional(), message: z.string().max(4096).optional() });
