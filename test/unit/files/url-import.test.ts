// "Open a notebook from a URL" is a fetch made by the host for a lab: real HTTP listeners on this
// computer play the addresses a hostile link points at, and each must see no request at all unless this
// machine's trust lists it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabError } from '../../../electron/api/errors';
import { fetchNotebook } from '../../../electron/core/files/url-import';

const NOTEBOOK = JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 });

interface Listener {
  base: string;
  port: number;
  seen: string[];
  close: () => Promise<void>;
}

async function listen(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void, host = '127.0.0.1'): Promise<Listener> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return { base: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, seen, close: () => new Promise((r) => server.close(() => r())) };
}

async function refusal(promise: Promise<unknown>): Promise<LabError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LabError);
  return err as LabError;
}

let secret: Listener;
let trustedServer: Listener;

beforeAll(async () => {
  // What a hostile link wants: a service on this computer (a database admin page, a router, metadata).
  secret = await listen((_req, res) => res.end(NOTEBOOK));
  // A course server the instructor allowed; it redirects to the secret service.
  trustedServer = await listen((req, res) => {
    if (req.url === '/intro.ipynb') res.end(NOTEBOOK);
    else if (req.url === '/to-secret') res.writeHead(302, { Location: `${secret.base}/admin.ipynb` }).end();
    else if (req.url === '/to-localhost') res.writeHead(302, { Location: `http://localhost:${secret.port}/admin.ipynb` }).end();
    else res.writeHead(404).end();
  });
});

afterAll(async () => {
  await secret.close();
  await trustedServer.close();
});

describe('URL import refuses this computer and local networks', () => {
  it.each([
    ['an IP literal', () => `${secret.base}/a.ipynb`],
    ['localhost, after name resolution', () => `http://localhost:${secret.port}/a.ipynb`],
    ['the decimal form of 127.0.0.1', () => `http://2130706433:${secret.port}/a.ipynb`],
    ['the hex form of 127.0.0.1', () => `http://0x7f.1:${secret.port}/a.ipynb`],
    ['IPv4-mapped IPv6', () => `http://[::ffff:127.0.0.1]:${secret.port}/a.ipynb`],
    ['the metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a private address', () => 'http://10.0.0.1/a.ipynb'],
  ])('refuses %s, and the listener sees nothing', async (_what, address) => {
    const before = secret.seen.length;
    const err = await refusal(fetchNotebook(address()));
    expect(err.code).toBe('REFUSED');
    expect(err.message).toMatch(/classlab trust local add http:\/\//);
    expect(secret.seen.length).toBe(before);
  });

  it('says what the address is and how to allow it', async () => {
    const err = await refusal(fetchNotebook(`http://localhost:${secret.port}/a.ipynb`));
    expect(err.message).toMatch(/^localhost \((127\.0\.0\.1|::1)\) is this computer \(loopback\)\./);
    expect(err.message).toContain(`"classlab trust local add http://localhost:${secret.port}/"`);
  });

  it('fetches from an address this machine trusts', async () => {
    const got = await fetchNotebook(`${trustedServer.base}/intro.ipynb`, { trust: { localAddresses: [`${trustedServer.base}/`] } });
    expect(got).toEqual({ name: 'intro.ipynb', data: Buffer.from(NOTEBOOK) });
  });

  it('checks every redirect again: a trusted server cannot send the fetch to an untrusted local address', async () => {
    const trust = { localAddresses: [`${trustedServer.base}/`] };
    const before = secret.seen.length;
    for (const hop of ['/to-secret', '/to-localhost']) {
      const err = await refusal(fetchNotebook(`${trustedServer.base}${hop}`, { trust }));
      expect(err.code).toBe('REFUSED');
      expect(err.message).toMatch(/^The address redirected to http:\/\/(127\.0\.0\.1|localhost):\d+, but/);
    }
    expect(trustedServer.seen).toEqual(expect.arrayContaining(['/to-secret', '/to-localhost']));
    expect(secret.seen.length).toBe(before);
  });

  it('trust is per address: another port on the same computer stays refused', async () => {
    const err = await refusal(fetchNotebook(`${secret.base}/a.ipynb`, { trust: { localAddresses: [`${trustedServer.base}/`] } }));
    expect(err.code).toBe('REFUSED');
  });
});
