// A Node client for the bridge's transfer paths (what the UI does with XHR and <a download>): PUT a tar
// to an upload path, GET a download path to a file. Used by the integration tests and the benchmark.
import http from 'node:http';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface PutResult {
  status: number;
  body: unknown;
}

/** `length`: send Content-Length (as a browser does for a Blob) instead of chunked encoding. */
export function putTar(
  port: number,
  pathname: string,
  body: Readable,
  opts: { clash?: string; signal?: AbortSignal; origin?: string; length?: number } = {},
): Promise<PutResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: `${pathname}?clash=${opts.clash ?? 'keep-both'}`,
        headers: {
          'Content-Type': 'application/x-tar',
          Origin: opts.origin ?? `http://127.0.0.1:${port}`,
          ...(opts.length === undefined ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(opts.length) }),
        },
        signal: opts.signal,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    body.on('error', (err) => req.destroy(err));
    body.pipe(req);
  });
}

export function getToFile(port: number, pathname: string, dest: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname }, (res) => {
        if (res.statusCode !== 200) {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
          return;
        }
        pipeline(res, createWriteStream(dest)).then(() => resolve({ status: 200, headers: res.headers, text: '' }), reject);
      })
      .on('error', reject);
  });
}
