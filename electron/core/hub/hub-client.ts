// The JupyterHub REST API as ClassLab uses it (JupyterHub 2 and newer; tested against Debian 13's 5.2):
// who owns the token, the owner's default server (status, start with its progress stream, stop), and a
// narrower token of the owner's. Every answer is checked (hub-schemas.ts) and capped in size; every
// failure becomes a LabError that says what happened and what to do. The token goes only to this hub,
// in the Authorization header; it is never put in a message.
import { type z } from 'zod';
import { LabError } from '../../api/errors';
import { HubErrorBody, HubInfo, HubNewToken, HubOwner, HubProgressEvent, type HubServer } from './hub-schemas';

/** The scopes ClassLab needs, and all it asks for: start, stop and read the owner's own servers, and reach them. */
export const HUB_SCOPES = ['servers!user', 'access:servers!user'] as const;

const MAX_BODY = 1024 * 1024;
const MAX_EVENT_LINE = 64 * 1024;
const MAX_EVENTS = 10_000;
const REQUEST_MS = 15_000;

export interface HubClientOptions {
  /** A normalised hub address (hub-address.ts). */
  url: string;
  token: string;
  /** Per request; default 15 s. */
  timeoutMs?: number;
}

export class HubClient {
  readonly url: string;
  private readonly token: string;
  private readonly timeoutMs: number;

  constructor(opts: HubClientOptions) {
    this.url = opts.url;
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? REQUEST_MS;
  }

  /** The hub's version; needs no token, so a failure here means the address is not (or no longer) a hub. */
  async version(): Promise<string> {
    return (await this.json('GET', 'hub/api/', HubInfo, { auth: false })).version;
  }

  /** The token's owner, with the token's own scopes. */
  async owner(): Promise<HubOwner> {
    return this.json('GET', 'hub/api/user', HubOwner);
  }

  /** The owner's default server, or null when it is not running (or the token may not read servers). */
  async server(user: string): Promise<{ server: HubServer | null; pending: 'spawn' | 'stop' | null }> {
    const owner = await this.owner();
    if (owner.name !== user) throw new LabError('UNAUTHORIZED', `The token now belongs to ${owner.name}, not ${user}: add the hub again.`);
    if (owner.servers === undefined)
      throw new LabError(
        'UNAUTHORIZED',
        `The hub's token may not read its servers: make one with the scopes ${HUB_SCOPES.join(' ')} (see the README's "Labs on a JupyterHub").`,
      );
    return { server: owner.servers[''] ?? null, pending: owner.pending ?? owner.servers['']?.pending ?? null };
  }

  /** Asks the hub to start the default server: 'started' (201), 'pending' (202), or 'running' already. */
  async start(user: string): Promise<'started' | 'pending' | 'running'> {
    const res = await this.request('POST', `hub/api/users/${encodeURIComponent(user)}/server`, { body: '{}' });
    if (res.status === 201) return 'started';
    if (res.status === 202) return 'pending';
    const message = await this.errorMessage(res);
    if (res.status === 400 && /already running|already pending|is pending/i.test(message)) return /running/i.test(message) ? 'running' : 'pending';
    // A spawn that fails within the hub's first seconds is answered here, not on the progress stream.
    if (res.status >= 500 && message)
      throw new LabError('START_FAILED', `The hub could not start your server: ${message} Ask the hub's admin if this goes on.`);
    throw this.failure(res.status, message, 'start your server');
  }

  /** Asks the hub to stop the default server; resolves once the hub took the request (204 stopped, 202 stopping). */
  async stop(user: string): Promise<'stopped' | 'stopping'> {
    const res = await this.request('DELETE', `hub/api/users/${encodeURIComponent(user)}/server`);
    if (res.status === 204) return 'stopped';
    if (res.status === 202) return 'stopping';
    const message = await this.errorMessage(res);
    if (res.status === 400 && /not running/i.test(message)) return 'stopped';
    throw this.failure(res.status, message, 'stop your server');
  }

  /**
   * Follows the spawn's progress stream until the server is ready (resolves with its path, e.g.
   * /user/ana/) or failed (START_FAILED with the hub's message). Each event goes to `onEvent`.
   */
  async progress(user: string, onEvent: (e: z.infer<typeof HubProgressEvent>) => void, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<string> {
    const signals = [AbortSignal.timeout(opts.timeoutMs), ...(opts.signal ? [opts.signal] : [])];
    const res = await this.request('GET', `hub/api/users/${encodeURIComponent(user)}/server/progress`, {
      headers: { accept: 'text/event-stream' },
      signal: AbortSignal.any(signals),
      noTimeout: true,
    });
    if (res.status !== 200) throw this.failure(res.status, await this.errorMessage(res), 'follow the server start');
    if (!res.body) throw new LabError('REFUSED', `${this.url} sent no progress stream.`);
    let buffered = '';
    let events = 0;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).replace(/\r$/, '');
          buffered = buffered.slice(nl + 1);
          if (!line.startsWith('data:')) continue;
          if (++events > MAX_EVENTS) throw new LabError('REFUSED', `${this.url} sent more than ${MAX_EVENTS} progress events: stopped following it.`);
          const event = parseEvent(line.slice(5));
          if (!event) continue;
          onEvent(event);
          if (event.failed) throw new LabError('START_FAILED', `The hub could not start your server: ${plain(event.message ?? 'no reason given')}`);
          if (event.ready) return event.url ?? `/user/${encodeURIComponent(user)}/`;
        }
        if (buffered.length > MAX_EVENT_LINE) throw new LabError('REFUSED', `${this.url} sent a progress line over 64 KiB: stopped following it.`);
      }
    } catch (err) {
      if (err instanceof LabError) throw err;
      if (signals[0]!.aborted)
        throw new LabError(
          'START_FAILED',
          `The hub did not have your server ready within ${Math.round(opts.timeoutMs / 1000)} s. Try Open again, or ask the hub's admin.`,
        );
      if (opts.signal?.aborted) throw new LabError('CANCELLED', 'Stopped waiting for the hub.');
      throw new LabError('DISCONNECTED', `The connection to ${this.url} broke while the server started (${describe(err)}). Open again to see where it is.`);
    }
    // The stream ended without ready or failed: the hub finished (JupyterHub closes it when the spawn is over).
    return '';
  }

  /** Makes a token of the owner's with only `scopes` (needs the `tokens` scope on the current token). */
  async mintToken(user: string, scopes: readonly string[], note: string): Promise<string> {
    return (await this.json('POST', `hub/api/users/${encodeURIComponent(user)}/tokens`, HubNewToken, { body: JSON.stringify({ scopes, note }) })).token;
  }

  // ------------------------------------------------------------------------------------------------

  private async json<T>(method: string, path: string, schema: z.ZodType<T>, opts: { auth?: boolean; body?: string } = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    if (res.status < 200 || res.status > 299) throw this.failure(res.status, await this.errorMessage(res), whatFor(path));
    const text = await readCapped(res, MAX_BODY, this.url);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new LabError('REFUSED', `${this.url} is not a JupyterHub (its answer to ${path} is not JSON). Check the address: the part before /hub/.`);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success)
      throw new LabError('REFUSED', `${this.url} gave an answer ClassLab does not accept (${path}: ${parsed.error.issues[0]?.message ?? 'bad shape'}).`);
    return parsed.data;
  }

  private async request(
    method: string,
    path: string,
    opts: { auth?: boolean; body?: string; headers?: Record<string, string>; signal?: AbortSignal; noTimeout?: boolean } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (opts.auth !== false) headers.authorization = `token ${this.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(new URL(path, this.url), {
        method,
        headers,
        body: opts.body,
        // A redirect could carry the token's requests elsewhere: a hub's API answers without one.
        redirect: 'manual',
        signal: opts.signal ?? (opts.noTimeout ? undefined : AbortSignal.timeout(this.timeoutMs)),
      });
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError')
        throw new LabError(
          'DISCONNECTED',
          `The hub at ${this.url} did not answer within ${Math.round(this.timeoutMs / 1000)} s. Is it up? Try again later, or ask its admin.`,
        );
      throw new LabError(
        'DISCONNECTED',
        `The hub at ${this.url} cannot be reached (${describe(err)}). Is it up, and is this computer on its network? ClassLab tries again when you open the lab.`,
      );
    }
  }

  private async errorMessage(res: Response): Promise<string> {
    const text = await readCapped(res, 64 * 1024, this.url).catch(() => '');
    try {
      const body = HubErrorBody.safeParse(JSON.parse(text));
      if (body.success && body.data.message) return plain(body.data.message);
    } catch {
      // not JSON: the status says enough
    }
    return '';
  }

  private failure(status: number, message: string, doing: string): LabError {
    const said = message ? ` (the hub said: ${message})` : '';
    if (status === 401 || status === 403) {
      return new LabError(
        'UNAUTHORIZED',
        `The hub at ${this.url} refused the token when asked to ${doing}${said}: it is wrong, expired or revoked, or lacks a scope ClassLab needs (${HUB_SCOPES.join(' ')}). Make a new one on ${this.url}hub/token and run \`classlab hub add ${this.url}\` again.`,
      );
    }
    if (status >= 300 && status < 400)
      return new LabError('REFUSED', `${this.url} redirected a hub API request (${status}): check the address (the part before /hub/).`);
    if (status === 404)
      return new LabError('REFUSED', `${this.url} has no JupyterHub API where ClassLab asked (${doing}, 404): check the address (the part before /hub/).`);
    if (status === 429) return new LabError('BUSY', `The hub at ${this.url} is busy (too many servers starting)${said}. Try again in a minute.`);
    if (status >= 500) return new LabError('START_FAILED', `The hub at ${this.url} failed to ${doing} (${status})${said}. Ask its admin if this goes on.`);
    return new LabError('REFUSED', `The hub at ${this.url} refused to ${doing} (${status})${said}.`);
  }
}

function whatFor(path: string): string {
  if (path === 'hub/api/') return 'say its version';
  if (path === 'hub/api/user') return 'say whose token it is';
  if (path.endsWith('/tokens')) return 'make a narrower token';
  return 'answer';
}

function parseEvent(data: string): z.infer<typeof HubProgressEvent> | null {
  try {
    const parsed = HubProgressEvent.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A hub's words for a person: one line, no control characters, at most 500 characters. */
export function plain(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .trim()
      .slice(0, 500)
  );
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'no such host';
  if (cause?.code) return cause.code;
  return err instanceof Error ? plain(err.message) : 'unknown error';
}

async function readCapped(res: Response, max: number, url: string): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) throw new LabError('REFUSED', `${url} sent an answer over ${Math.round(max / 1024)} KiB: ClassLab did not read it.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
