// Uploads and downloads in the Electron app: the page sends and fetches the same one-time paths the
// bridge serves (files:uploadPlan / files:downloadLink), on ClassLab's own scheme instead of a port, so
// no socket is opened for them. The core's transfer handler does the work; this file only converts
// between the web Request/Response that protocol.handle speaks and the core's Node streams.
import { protocol, type Session } from 'electron';
import { Readable } from 'node:stream';
import type { ClassLabCore } from '../core/types';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export const TRANSFER_SCHEME = 'classlab-files';
/** What the preload gives the page as LabApi.files.transferBase. */
export const TRANSFER_BASE = `${TRANSFER_SCHEME}://transfer`;

/** Must run before the app is ready: the scheme may stream request bodies and be used by fetch/XHR. */
export function registerTransferScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: TRANSFER_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true } },
  ]);
}

export function serveTransfers(session: Session, core: () => ClassLabCore | null): void {
  session.protocol.handle(TRANSFER_SCHEME, async (request) => {
    const started = core();
    const url = new URL(request.url);
    if (!started || url.host !== 'transfer') return new Response('ClassLab is starting.', { status: 503 });
    const abort = new AbortController();
    request.signal?.addEventListener('abort', () => abort.abort(), { once: true });
    const body = request.body ? Readable.fromWeb(request.body as WebReadableStream) : Readable.from([]);
    const res = await started.transfer({ method: request.method, pathname: url.pathname, search: url.searchParams, body, signal: abort.signal });
    const payload = typeof res.body === 'string' ? res.body : (Readable.toWeb(res.body) as unknown as ReadableStream);
    return new Response(payload, { status: res.status, headers: res.headers });
  });
}
