// "Open a notebook from a URL": ClassLab (not the lab, which may have no network) fetches an http(s)
// address, caps its size, follows a few redirects (each checked again), and accepts only a notebook
// (nbformat JSON). The result is written into the workspace like an upload.
//
// The address comes from outside (a course page, a chat message, a student): the fetch is made by the
// host, with the host's network, so it refuses this computer, private and link-local networks (cloud
// metadata) and the rest of net/address-ranges.ts, after name resolution and on every redirect, unless
// this machine's trust lists the address (`classlab trust local add`).
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { LabError } from '../../api/errors';
import { localAddressKind } from '../net/address-ranges';
import { isTrustedLocalAddress, type MachineTrust } from '../trust/machine-trust';
import { hostNameProblem } from '../workspace/paths';

export const MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const TIMEOUT_MS = 30_000;

export interface FetchedNotebook {
  name: string;
  data: Buffer;
}

/** Checks the address: http or https only, no other scheme. GitHub "blob" pages become their raw file. */
export function notebookAddress(input: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new LabError('BAD_REQUEST', 'That is not a web address. Paste an address that starts with https:// (or http://).');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new LabError('BAD_REQUEST', `Only http and https addresses can be opened (not ${url.protocol.replace(':', '')}).`);
  const blob = url.hostname === 'github.com' ? /^\/([^/]+)\/([^/]+)\/blob\/(.+)$/.exec(url.pathname) : null;
  if (blob) return new URL(`https://raw.githubusercontent.com/${blob[1]}/${blob[2]}/${blob[3]}`);
  return url;
}

/** The file name to save under: the address's last part, as a notebook name the workspace can hold. */
export function notebookName(url: URL): string {
  let last: string;
  try {
    last = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  } catch {
    last = '';
  }
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces
  last = last.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim();
  if (!last.toLowerCase().endsWith('.ipynb')) last = `${last || 'notebook'}.ipynb`;
  if (hostNameProblem(last, 'win32') !== null) last = 'notebook.ipynb';
  return last;
}

/** Accepts nbformat 4 (and 3): a JSON object with its format number and its cells (or worksheets). */
export function checkNotebook(data: Buffer): void {
  let doc: unknown;
  try {
    doc = JSON.parse(data.toString('utf8'));
  } catch {
    throw new LabError('REFUSED', 'What that address sent is not a notebook (it is not JSON). Check that the address points to the raw .ipynb file.');
  }
  const nb = doc as { nbformat?: unknown; cells?: unknown; worksheets?: unknown };
  const ok = typeof nb === 'object' && nb !== null && typeof nb.nbformat === 'number' && (Array.isArray(nb.cells) || Array.isArray(nb.worksheets));
  if (!ok) throw new LabError('REFUSED', 'What that address sent is JSON but not a Jupyter notebook (no nbformat and cells).');
}

export interface FetchOptions {
  signal?: AbortSignal;
  maxBytes?: number;
  /** This machine's trusted local addresses: only these may be on this computer or its local network. */
  trust?: Pick<MachineTrust, 'localAddresses'>;
}

export async function fetchNotebook(input: string, opts: FetchOptions = {}): Promise<FetchedNotebook> {
  const max = opts.maxBytes ?? MAX_NOTEBOOK_BYTES;
  const trust = opts.trust ?? { localAddresses: [] };
  let url = notebookAddress(input);
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const tooLarge = () => new LabError('REFUSED', `The notebook is larger than ${Math.round(max / 1024 / 1024)} MB; download it and upload it instead.`);
  for (let hop = 0; ; hop++) {
    const res = await get(url, hop > 0, trust, signal, timeout);
    const location = res.headers.location;
    if (res.statusCode! >= 300 && res.statusCode! < 400 && location) {
      res.destroy();
      if (hop >= MAX_REDIRECTS) throw new LabError('REFUSED', 'The address redirects too many times.');
      url = notebookAddress(new URL(location, url).toString());
      continue;
    }
    if (res.statusCode! < 200 || res.statusCode! >= 300) {
      res.destroy();
      throw new LabError(
        'NOT_FOUND',
        `${url.host} answered ${res.statusCode} ${res.statusMessage ?? ''}: the notebook could not be fetched.`.replace(' :', ':'),
      );
    }
    if (Number(res.headers['content-length'] ?? NaN) > max) {
      res.destroy();
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res) {
        size += (chunk as Buffer).length;
        if (size > max) throw tooLarge();
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      res.destroy();
      throw err instanceof LabError ? err : failed(url, err, timeout);
    }
    const data = Buffer.concat(chunks);
    checkNotebook(data);
    return { name: notebookName(url), data };
  }
}

/**
 * One GET, to an address that is on the internet or that this machine trusts. The check is made on the
 * addresses the name resolves to, inside the connection's own lookup, so the connection goes to the very
 * address that was checked (a name that answers "public" to a check and "127.0.0.1" to the connect — DNS
 * rebinding — cannot slip between them). An IP literal never reaches a lookup: it is checked first.
 */
function get(
  url: URL,
  redirected: boolean,
  trust: Pick<MachineTrust, 'localAddresses'>,
  signal: AbortSignal,
  timeout: AbortSignal,
): Promise<http.IncomingMessage> {
  const trusted = isTrustedLocalAddress(url.toString(), trust);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const refuse = (address: string, kind: string) => localAddressRefused(url, address, kind, redirected);
  if (!trusted && net.isIP(host)) {
    const kind = localAddressKind(host);
    if (kind) return Promise.reject(refuse(host, kind));
  }
  const lookup: net.LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const local = trusted ? undefined : addresses.find((a) => localAddressKind(a.address));
      // Any local answer refuses the name: a name that resolves to both kinds is not "on the internet".
      if (local) return callback(refuse(local.address, localAddressKind(local.address)!), '', 4);
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      { method: 'GET', agent: false, lookup, signal, headers: { Accept: 'application/x-ipynb+json, application/json, */*' } },
      resolve,
    );
    req.on('error', (err) =>
      reject(
        err instanceof LabError ? err : (err as { cause?: unknown }).cause instanceof LabError ? (err as { cause: LabError }).cause : failed(url, err, timeout),
      ),
    );
    req.end();
  });
}

function failed(url: URL, err: unknown, timeout: AbortSignal): LabError {
  const why = timeout.aborted ? 'it did not answer within 30 seconds' : (err as Error).message;
  return new LabError('NOT_FOUND', `Could not fetch ${url.host}: ${why}. Check the address and the internet connection.`);
}

function localAddressRefused(url: URL, address: string, kind: string, redirected: boolean): LabError {
  const where = url.hostname.replace(/^\[|\]$/g, '') === address ? address : `${url.hostname} (${address})`;
  const what = redirected ? `The address redirected to ${url.origin}, but ${where}` : `${where}`;
  return new LabError(
    'REFUSED',
    `${what} is ${kind}. ClassLab does not fetch from this computer or its local network unless this computer allows that address: ` +
      `if it is your course's own server, the instructor can allow it with "classlab trust local add ${url.origin}/".`,
  );
}
