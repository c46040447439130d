// The hub gate: what a hub lab's notebook page talks to. A hub's server is a remote web app that renders
// student output (and the hub itself is outside this computer's hands), so its pages get what a local
// lab's page gets from the gate container (images/gate/nginx.conf), here in Node:
// - one origin of its own, http://127.0.0.1:<port> (a port per hub), so the bridge's and the other labs'
//   origins stay out of its reach by the browser's own same-origin rule, and Electron's lab session filter
//   (shell/request-policy.ts) works for it as for any lab;
// - only the owner's own server is reachable through it (<base>user/<name>/…): never the hub's API or
//   pages, so a hostile page cannot use the token to do what ClassLab does not (make tokens, start others);
// - the token is added here, in the Authorization header, on the way to the hub: it is never in the
//   page, its URL, a cookie or a log; the page's own Cookie and Authorization headers are dropped;
// - requests from anywhere but the page's own origin are refused (Host, Origin, fetch metadata, no
//   service workers), and every answer carries ClassLab's Content-Security-Policy, the hub's removed,
//   with the same list of dropped headers as the gate's; cookies other than Jupyter's `_xsrf` are dropped;
// - a request must carry the gate's own key (random per gate, never the hub's token): in the page's
//   address (`?token=`, as a local lab's notebook address carries Jupyter's token; taken off before the
//   hub sees it), then as an HttpOnly, SameSite=Strict cookie the gate sets, or as `Authorization: token
//   KEY` for API clients. Without it, any process on this computer that can reach 127.0.0.1 (another
//   user's, on a shared PC) could use the student's server with the token ClassLab adds: the gate would be
//   a deputy that signs anyone in.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { Logger } from '../types';

export const HUB_PAGE_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' data: blob:; connect-src 'self'; frame-src 'self'; child-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self' http://127.0.0.1:* http://localhost:*";

const OUR_HEADERS: Record<string, string> = {
  'content-security-policy': HUB_PAGE_CSP,
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'cross-origin-resource-policy': 'same-origin',
};

/** The hub's answer headers that never reach the page (the gate container's proxy_hide_header list). */
const DROPPED = new Set([
  'content-security-policy',
  'content-security-policy-report-only',
  'x-content-security-policy',
  'x-webkit-csp',
  'x-frame-options',
  'referrer-policy',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'cross-origin-resource-policy',
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
  'access-control-allow-private-network',
  'timing-allow-origin',
  'permissions-policy',
  'feature-policy',
  'report-to',
  'reporting-endpoints',
  'nel',
  'link',
  'refresh',
  'speculation-rules',
  'alt-svc',
  'clear-site-data',
  'service-worker-allowed',
  'strict-transport-security',
  'set-cookie',
  'location',
  // hop-by-hop
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
]);

/** The cookie that carries the gate's key after the page's first load. */
const KEY_COOKIE = 'classlab-hub-key';
/** Where a request carries the gate's key; a key in the address is answered with the cookie. */
type KeyPlace = 'address' | 'cookie' | 'authorization';

/** The page's request headers that never reach the hub: its own credentials, and hop-by-hop ones. */
const NOT_FORWARDED = new Set([
  'cookie',
  'authorization',
  'host',
  'origin',
  'referer',
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
]);

export interface HubGateOptions {
  /** The normalised hub address (hub-address.ts). */
  hubUrl: string;
  /** The token's owner: only <base>user/<owner>/ is served. */
  owner: string;
  token: () => string;
  log: Logger;
}

export class HubGate {
  private server: http.Server | null = null;
  private port = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly hub: URL;
  /** The owner's server path on the hub, e.g. /user/ana/ (under the hub's base path). */
  readonly prefix: string;
  /** What a request must carry (see the file's header): the page gets it in its address. */
  private readonly key = randomBytes(24).toString('hex');

  constructor(private readonly opts: HubGateOptions) {
    this.hub = new URL(opts.hubUrl);
    this.prefix = `${this.hub.pathname}user/${encodeURIComponent(opts.owner)}/`;
  }

  /** Listens on a free port of 127.0.0.1 (once); the gate's origin. */
  async start(): Promise<string> {
    if (!this.server) {
      const server = http.createServer((req, res) => this.onRequest(req, res));
      server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket as net.Socket, head));
      server.on('connection', (s) => {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      this.server = server;
      this.port = (server.address() as net.AddressInfo).port;
    }
    return this.origin;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The page's address for a path of the owner's server (e.g. 'lab'), with the gate's key. */
  pageUrl(path = 'lab'): string {
    return `${this.origin}${this.prefix}${path}?token=${this.key}`;
  }

  /** How the request carries the gate's key: in its address, its cookie or its Authorization; or not at all. */
  private keyIn(req: http.IncomingMessage): KeyPlace | null {
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('token');
    if (query !== null && this.isKey(query)) return 'address';
    const cookies = header(req, 'cookie')
      .split(';')
      .map((c) => c.trim());
    if (cookies.some((c) => c.startsWith(`${KEY_COOKIE}=`) && this.isKey(c.slice(KEY_COOKIE.length + 1)))) return 'cookie';
    const auth = /^token\s+(\S+)$/i.exec(header(req, 'authorization'));
    if (auth && this.isKey(auth[1]!)) return 'authorization';
    return null;
  }

  private isKey(candidate: string): boolean {
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.key);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** The request's path and query as the hub gets it: the gate's key taken off. */
  private upstreamPath(req: http.IncomingMessage): string {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    if (q < 0) return raw;
    const params = new URLSearchParams(raw.slice(q + 1));
    params.delete('token');
    const rest = params.toString();
    return `${raw.slice(0, q)}${rest ? `?${rest}` : ''}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Why a request from a page is refused, or where it carries the key when it may pass (the gate container's rules). */
  private admit(req: http.IncomingMessage): { refused: string } | { key: KeyPlace } {
    const refused = this.refusal(req);
    if (refused) return { refused };
    const key = this.keyIn(req);
    return key ? { key } : { refused: "it does not carry this lab's key: open the lab from ClassLab" };
  }

  /** Why a request is refused before its key is looked at, or null. */
  private refusal(req: http.IncomingMessage): string | null {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`) return 'the Host must be 127.0.0.1:<port> or localhost:<port>';
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) return "it comes from another origin than the lab's own";
    const site = header(req, 'sec-fetch-site');
    const mode = header(req, 'sec-fetch-mode');
    const dest = header(req, 'sec-fetch-dest');
    if (site && site !== 'same-origin' && site !== 'none' && !(mode === 'navigate' && /^(document|iframe|frame)$/.test(dest)))
      return 'another page asked for it';
    if (req.headers['service-worker'] !== undefined || dest === 'serviceworker') return 'labs may not install service workers';
    const raw = req.url ?? '';
    // Only the owner's server, by its exact path: no dot segments, encoded slashes or backslashes that a
    // server could read as another path than this check did.
    if (!raw.startsWith(this.prefix) || /(^|\/)\.\.?(\/|$)|%2e|%2f|%5c|\\/i.test(raw.split('?')[0]!)) return "only this lab's own server is reachable here";
    return null;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const admitted = this.admit(req);
    if ('refused' in admitted) {
      this.refuse(res, admitted.refused);
      return;
    }
    const keyInAddress = admitted.key === 'address';
    const upstream = this.forward(req, (answer) => {
      const headers = pageHeaders(answer.headers);
      // The page's later requests (its scripts, its API calls, its WebSockets) carry the key as a cookie
      // only this origin's pages under the owner's path send, and no script can read.
      if (keyInAddress)
        headers['set-cookie'] = [
          ...((headers['set-cookie'] as string[] | undefined) ?? []),
          `${KEY_COOKIE}=${this.key}; Path=${this.prefix}; HttpOnly; SameSite=Strict`,
        ];
      const status = answer.statusCode ?? 502;
      if (status >= 300 && status < 400) {
        const target = this.rewriteLocation(answer.headers.location);
        if (target === null) {
          answer.resume();
          this.refuse(res, 'the hub sent this request to its sign-in page: the token is no longer accepted. Open the lab again from the launcher', 502);
          return;
        }
        headers.location = target;
      }
      res.writeHead(status, headers);
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      this.opts.log.warn('hub gate: the hub did not answer', { hub: this.opts.hubUrl, error: err.message });
      if (!res.headersSent) this.refuse(res, 'the hub does not answer', 502);
      else res.destroy();
    });
    req.pipe(upstream);
  }

  private onUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    const admitted = this.admit(req);
    const refused = 'refused' in admitted ? admitted.refused : null;
    if (refused || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nClassLab's hub gate refused this request: ${refused ?? 'only WebSocket upgrades'}.\n`,
      );
      return;
    }
    const upstream = this.forward(req, (answer) => {
      // Not upgraded: pass the refusal on and close.
      socket.end(`HTTP/1.1 ${answer.statusCode ?? 502} Refused\r\nConnection: close\r\n\r\n`);
      answer.resume();
    });
    upstream.on('upgrade', (answer, remote, remoteHead) => {
      const lines = [`HTTP/1.1 101 Switching Protocols`];
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined || name === 'set-cookie' || (DROPPED.has(name) && name !== 'connection' && name !== 'upgrade')) continue;
        for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
      }
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (remoteHead.length) socket.write(remoteHead);
      if (head.length) remote.write(head);
      remote.pipe(socket).pipe(remote);
      remote.on('error', () => socket.destroy());
      socket.on('error', () => remote.destroy());
      remote.on('close', () => socket.destroy());
      socket.on('close', () => remote.destroy());
    });
    upstream.on('error', () => socket.destroy());
    upstream.end();
  }

  private forward(req: http.IncomingMessage, onAnswer: (answer: http.IncomingMessage) => void): http.ClientRequest {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined && !NOT_FORWARDED.has(name) && !name.startsWith('sec-fetch-')) headers[name] = value;
    headers.host = this.hub.host;
    headers.authorization = `token ${this.opts.token()}`;
    // The page's origin is checked above; Jupyter compares Origin and Referer with the Host it sees.
    if (req.headers.origin !== undefined) headers.origin = this.hub.origin;
    if (req.headers.referer !== undefined) headers.referer = `${this.hub.origin}${this.prefix}`;
    if (req.headers.upgrade) {
      headers.connection = 'Upgrade';
      headers.upgrade = req.headers.upgrade;
    }
    const lib = this.hub.protocol === 'https:' ? https : http;
    return lib.request(
      {
        protocol: this.hub.protocol,
        hostname: this.hub.hostname.replace(/^\[|\]$/g, ''),
        port: this.hub.port || undefined,
        method: req.method,
        path: this.upstreamPath(req),
        headers,
      },
      onAnswer,
    );
  }

  /** A redirect within the owner's server stays in the gate; anything else (the hub's login) is not followed. */
  private rewriteLocation(location: string | undefined): string | null {
    if (!location) return null;
    let target: URL;
    try {
      target = new URL(location, `${this.hub.origin}${this.prefix}`);
    } catch {
      return null;
    }
    if (target.origin !== this.hub.origin || !target.pathname.startsWith(this.prefix)) return null;
    return `${target.pathname}${target.search}`;
  }

  private refuse(res: http.ServerResponse, why: string, status = 403): void {
    res.writeHead(status, { ...OUR_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`ClassLab's hub gate refused this request: ${why}.\n`);
  }
}

function header(req: http.IncomingMessage, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** The hub's answer headers as the page gets them: ours added, the dropped ones gone, only `_xsrf` cookies kept. */
function pageHeaders(from: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(from)) if (value !== undefined && !DROPPED.has(name)) out[name] = value;
  const cookies = (from['set-cookie'] ?? [])
    .filter((c) => /^_xsrf=/.test(c))
    .map((c) => `${c.replace(/;\s*(SameSite|Domain|Secure)=?[^;]*/gi, '')}; SameSite=Strict`);
  if (cookies.length) out['set-cookie'] = cookies;
  return { ...out, ...OUR_HEADERS };
}
