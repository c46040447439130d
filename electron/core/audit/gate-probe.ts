// Raw HTTP requests to a lab's gate from this computer, with headers a browser would send (or a hostile
// page would make a browser send): any Host, any Origin, fetch metadata, a WebSocket upgrade. node:http,
// because fetch() will not let a caller set Host or Origin.
import http from 'node:http';

export interface GateAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** All values of each header, as sent (several CSP or Set-Cookie lines stay apart). */
  raw: [string, string][];
  body: string;
}

export interface GateRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

function pairs(rawHeaders: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out.push([rawHeaders[i]!.toLowerCase(), rawHeaders[i + 1]!]);
  return out;
}

/** One request to 127.0.0.1:port. The Host header is the loopback one unless the request names another. */
export function probeGate(port: number, req: GateRequest = {}): Promise<GateAnswer> {
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: '127.0.0.1',
        port,
        method: req.method ?? 'GET',
        path: req.path ?? '/',
        headers: { Host: `127.0.0.1:${port}`, ...req.headers },
        agent: false,
        timeout: req.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < 64 * 1024) chunks.push(c);
          size += c.length;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: pairs(res.rawHeaders), body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer from 127.0.0.1:${port} in time`)));
    r.on('error', reject);
    r.end();
  });
}

/**
 * A WebSocket handshake: 101 when the gate (and what is behind it) accepted the upgrade, otherwise the
 * status of the refusal, with its body.
 */
export function probeUpgrade(port: number, path: string, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = http.request({
      host: '127.0.0.1',
      port,
      path,
      agent: false,
      timeout: timeoutMs,
      headers: {
        Host: `127.0.0.1:${port}`,
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'Y2xhc3NsYWItYXVkaXQtd3M=',
        ...headers,
      },
    });
    r.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 101, body: '' });
    });
    r.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on('timeout', () => r.destroy(new Error(`no answer from 127.0.0.1:${port} in time`)));
    r.on('error', reject);
    r.end();
  });
}

/** Every value of one header (lower-case name), in order. */
export function headerValues(answer: Pick<GateAnswer, 'raw'>, name: string): string[] {
  return answer.raw.filter(([n]) => n === name).map(([, v]) => v);
}
