// The browser bridge: the very same renderer build and the LabApi over a WebSocket, on 127.0.0.1 only.
// A random token (in the URL's #fragment, so it never reaches a server log or a Referer) must be the
// first WebSocket message; the Origin must be the bridge's own, so other sites cannot drive it.
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LabService } from '../api/contract';
import { dispatch } from '../api/dispatch';
import { labServiceFor } from '../api/lab-service';
import { EventSubscriptions } from '../api/subscriptions';
import { CLOSE_PROTOCOL, CLOSE_UNAUTHORIZED, ClientMessage, type ServerMessage } from '../api/wire';
import { LabError } from '../api/errors';
import { ClientScope } from '../core/client-scope';
import type { ClassLabCore, Logger } from '../core/types';
import { notebookPageUrl } from '../core/files/notebook-path';

export interface BridgeOptions {
  core: ClassLabCore;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  port?: number;
  log: Logger;
  /** Fixed token for tests; random otherwise. */
  token?: string;
}

export interface Bridge {
  url: string;
  port: number;
  token: string;
  /** Open WebSocket clients, and event subscriptions across them (for leak checks). */
  stats(): { clients: number; subscriptions: number };
  close(): Promise<void>;
}

const HELLO_TIMEOUT_MS = 5000;
const MAX_MESSAGE_BYTES = 64 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const service = bridgeService(opts.core);
  const staticRoot = path.resolve(opts.staticDir);
  let port = 0;
  // Open sockets, and which events each asked for (the same registry the Electron shell uses).
  const clients = new Set<WebSocket>();
  const subscriptions = new EventSubscriptions<WebSocket>((event, listener) => opts.core.subscribe(event, listener));

  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/files/')) void serveTransfer(opts.core, req, res, port);
    else void serveStatic(staticRoot, req, res, port);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/api' || !allowedOrigin(req.headers.origin, port) || !allowedHost(req.headers.host, port)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onClient(ws));
  });

  function onClient(ws: WebSocket): void {
    let authed = false;
    // This tab's terminals are its own: their output comes only here, and they close with the socket.
    const scope = new ClientScope(service);
    clients.add(ws);
    const send = (msg: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    const helloTimer = setTimeout(() => ws.close(CLOSE_UNAUTHORIZED, 'no token'), HELLO_TIMEOUT_MS);
    ws.on('message', (data, isBinary) => {
      let msg: ClientMessage;
      try {
        if (isBinary) throw new Error('binary');
        const parsed = ClientMessage.safeParse(JSON.parse(data.toString()));
        if (!parsed.success) throw new Error('schema');
        msg = parsed.data;
      } catch {
        ws.close(CLOSE_PROTOCOL, 'malformed message');
        return;
      }
      if (!authed) {
        if (msg.type !== 'hello' || !sameSecret(msg.token, token)) {
          ws.close(CLOSE_UNAUTHORIZED, 'bad token');
          return;
        }
        authed = true;
        clearTimeout(helloTimer);
        send({ type: 'welcome' });
        return;
      }
      switch (msg.type) {
        case 'hello':
          return;
        case 'invoke':
          void dispatch(scope.service, msg.channel, msg.args).then((reply) => send({ type: 'reply', id: msg.id, reply }));
          return;
        case 'subscribe':
          subscriptions.add(ws, msg.event, (event, payload) => {
            // Terminal output only for this tab's own terminals.
            if (scope.accepts(event, payload)) send({ type: 'event', event, payload });
          });
          return;
        case 'unsubscribe':
          subscriptions.remove(ws, msg.event);
          return;
      }
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      subscriptions.release(ws);
      clients.delete(ws);
      void scope.dispose();
    });
    ws.on('error', () => ws.terminate());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new LabError('PORT_BUSY', `Port ${opts.port} on 127.0.0.1 is in use. Pick another with --port, or 0 for any free port.`)
          : err,
      ),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  // The sandbox check probes this port from inside a lab: it must be unreachable from there.
  const forgetPort = opts.core.exposeHostPort(port);
  const url = `http://127.0.0.1:${port}/#token=${token}`;
  opts.log.info('bridge listening', { port });

  return {
    url,
    port,
    token,
    stats: () => ({ clients: clients.size, subscriptions: subscriptions.count() }),
    close: async () => {
      forgetPort();
      for (const ws of wss.clients) ws.terminate();
      // Terminated sockets release their own on 'close'; this leaves nothing even if one never fires.
      subscriptions.dispose();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections would hold close() open until they time out.
      server.closeAllConnections();
      await closed;
    },
  };
}

/** In a browser the notebook is an embedded frame at the lab's own loopback address. */
export function bridgeService(core: ClassLabCore): LabService {
  return labServiceFor(core, {
    show: async (labId, _rect, path) => {
      const url = core.notebookUrl(labId);
      if (!url) throw new LabError('NOT_READY', 'The lab is not ready yet: open it first.');
      return { kind: 'frame', url: notebookPageUrl(url, path) };
    },
    hide: async () => null,
  });
}

/**
 * Uploads (PUT) and downloads (GET) of workspace files, at one-time paths the API granted (the path is
 * the capability). Loopback Host only; an upload must come from the bridge's own page (its Origin).
 */
async function serveTransfer(core: ClassLabCore, req: http.IncomingMessage, res: http.ServerResponse, port: number): Promise<void> {
  const base = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Content-Security-Policy': "default-src 'none'; sandbox" };
  const writeUpload = req.method !== 'GET' && req.method !== 'HEAD';
  if (
    !allowedHost(req.headers.host, port) ||
    (writeUpload && !allowedOrigin(req.headers.origin, port)) ||
    (req.headers.origin && !allowedOrigin(req.headers.origin, port))
  ) {
    req.resume();
    res.writeHead(403, base).end('Forbidden');
    return;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const abort = new AbortController();
  // The client went away (a cancelled upload, a closed tab): stop the transfer and clean up.
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const answer = await core.transfer({ method: req.method ?? 'GET', pathname: url.pathname, search: url.searchParams, body: req, signal: abort.signal });
  if (res.destroyed) {
    if (typeof answer.body !== 'string') answer.body.destroy();
    return;
  }
  res.writeHead(answer.status, { ...base, ...answer.headers });
  if (typeof answer.body === 'string') {
    res.end(answer.body);
    return;
  }
  if (req.method === 'HEAD') {
    answer.body.destroy();
    res.end();
    return;
  }
  pipeline(answer.body, res).catch(() => res.destroy());
}

function allowedOrigin(origin: string | undefined, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

/** Refuses DNS-rebinding: the Host header must name loopback. */
function allowedHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function serveStatic(root: string, req: http.IncomingMessage, res: http.ServerResponse, port: number): Promise<void> {
  const headers: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      'frame-src http://127.0.0.1:* http://localhost:*',
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  };
  if (!allowedHost(req.headers.host, port)) {
    res.writeHead(403, headers).end('Forbidden');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  } catch {
    res.writeHead(400, headers).end('Bad request');
    return;
  }
  if (pathname === '/') pathname = '/index.html';
  const file = path.resolve(root, `.${pathname}`);
  if (!file.startsWith(root + path.sep) || pathname.includes('\0')) {
    res.writeHead(404, headers).end('Not found');
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(404, headers).end('Not found');
  }
}
