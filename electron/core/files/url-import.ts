// "Open a notebook from a URL": ClassLab (not the lab, which may have no network) fetches an http(s)
// address, caps its size, follows a few redirects (each checked again), and accepts only a notebook
// (nbformat JSON). The result is written into the workspace like an upload.
import { LabError } from '../../api/errors';
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
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new LabError('BAD_REQUEST', `Only http and https addresses can be opened (not ${url.protocol.replace(':', '')}).`);
  const blob = url.hostname === 'github.com' ? /^\/([^/]+)\/([^/]+)\/blob\/(.+)$/.exec(url.pathname) : null;
  if (blob) return new URL(`https://raw.githubusercontent.com/${blob[1]}/${blob[2]}/${blob[3]}`);
  return url;
}

/** The file name to save under: the address's last part, as a notebook name the workspace can hold. */
export function notebookName(url: URL): string {
  let last = '';
  try {
    last = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  } catch {
    last = '';
  }
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

export async function fetchNotebook(input: string, opts: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<FetchedNotebook> {
  const max = opts.maxBytes ?? MAX_NOTEBOOK_BYTES;
  let url = notebookAddress(input);
  const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS);
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      res = await fetch(url, { redirect: 'manual', signal, headers: { Accept: 'application/x-ipynb+json, application/json, */*' } });
    } catch (err) {
      const why = (err as Error).name === 'TimeoutError' ? 'it did not answer within 30 seconds' : ((err as { cause?: Error }).cause?.message ?? (err as Error).message);
      throw new LabError('NOT_FOUND', `Could not fetch ${url.host}: ${why}. Check the address and the internet connection.`);
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      await res.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new LabError('REFUSED', 'The address redirects too many times.');
      url = notebookAddress(new URL(res.headers.get('location')!, url).toString());
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new LabError('NOT_FOUND', `${url.host} answered ${res.status} ${res.statusText}: the notebook could not be fetched.`);
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > max) {
      await res.body?.cancel();
      throw new LabError('REFUSED', `The notebook is larger than ${Math.round(max / 1024 / 1024)} MB; download it and upload it instead.`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body ?? []) {
      size += (chunk as Uint8Array).length;
      if (size > max) throw new LabError('REFUSED', `The notebook is larger than ${Math.round(max / 1024 / 1024)} MB; download it and upload it instead.`);
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    const data = Buffer.concat(chunks);
    checkNotebook(data);
    return { name: notebookName(url), data };
  }
}
