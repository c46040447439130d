// Bytes in and out of a workspace travel over HTTP, not over the JSON API: a browser streams a 200 MB
// upload from disk with one PUT (and shows its progress), and saves a download with its own download
// manager. Each transfer is first granted through the authenticated API, which hands out a one-time path
// with an unguessable id (a capability): valid for one use, for a short time, for that lab and folder.
// The bridge serves these paths on 127.0.0.1; the Electron shell serves them on its own scheme.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ClashChoice, UploadResult, type DownloadLink, type UploadPlan } from '../../api/contract';
import { LabError, toApiError } from '../../api/errors';
import type { Logger } from '../log';
import type { LabFiles, PlannedUpload } from './lab-files';

const UPLOAD_TTL_MS = 10 * 60_000;
const DOWNLOAD_TTL_MS = 60_000;

export interface TransferRequest {
  method: string;
  /** The URL's path, e.g. /files/upload/u0123… */
  pathname: string;
  search: URLSearchParams;
  body: Readable;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export interface TransferResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable | string;
}

interface UploadGrant {
  files: LabFiles;
  upload: PlannedUpload;
  expires: number;
  abort: AbortController;
  started: boolean;
}

interface DownloadGrant {
  files: LabFiles;
  what: { path: string; kind: 'file' | 'zip'; size: number | null };
  expires: number;
}

export const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };

export class Transfers {
  private readonly uploads = new Map<string, UploadGrant>();
  private readonly downloads = new Map<string, DownloadGrant>();

  constructor(private readonly log: Logger) {}

  grantUpload(files: LabFiles, planned: { upload: PlannedUpload; clashes: string[]; freeBytes: number | null }): UploadPlan {
    this.sweep();
    const uploadId = `u${randomBytes(16).toString('hex')}`;
    this.uploads.set(uploadId, { files, upload: planned.upload, expires: Date.now() + UPLOAD_TTL_MS, abort: new AbortController(), started: false });
    return {
      uploadId,
      path: `/files/upload/${uploadId}`,
      clashes: planned.clashes,
      totalBytes: planned.upload.totalBytes,
      fileCount: planned.upload.fileCount,
      freeBytes: planned.freeBytes,
    };
  }

  cancelUpload(uploadId: string): null {
    const grant = this.uploads.get(uploadId);
    if (grant) {
      grant.abort.abort();
      this.uploads.delete(uploadId);
      if (!grant.started) this.forget(grant);
    }
    return null;
  }

  grantDownload(files: LabFiles, what: DownloadGrant['what']): DownloadLink {
    this.sweep();
    const id = `d${randomBytes(16).toString('hex')}`;
    this.downloads.set(id, { files, what, expires: Date.now() + DOWNLOAD_TTL_MS });
    const name = what.path.split('/').pop() || 'workspace';
    return { path: `/files/download/${id}`, fileName: what.kind === 'zip' ? `${name}.zip` : name, kind: what.kind };
  }

  /** Serves one transfer request; errors come back as JSON {code, message} with a fitting status. */
  async handle(req: TransferRequest): Promise<TransferResponse> {
    try {
      const m = /^\/files\/(upload|download)\/([a-z0-9]{1,64})$/.exec(req.pathname);
      if (!m) throw new LabError('NOT_FOUND', 'No such transfer.');
      if (m[1] === 'upload') return await this.receive(m[2]!, req);
      return await this.send(m[2]!, req);
    } catch (err) {
      req.body.resume();
      const error = toApiError(err);
      if (error.code === 'INTERNAL') this.log.error('transfer failed', { error: error.message });
      return { status: statusFor(error.code), headers: JSON_HEADERS, body: JSON.stringify(error) };
    }
  }

  private async receive(id: string, req: TransferRequest): Promise<TransferResponse> {
    if (req.method !== 'PUT' && req.method !== 'POST') throw new LabError('BAD_REQUEST', 'Send an upload with PUT.');
    const grant = this.uploads.get(id);
    if (!grant || grant.expires < Date.now() || grant.started)
      throw new LabError('NOT_FOUND', 'This upload is no longer valid (it expired, was cancelled or was already sent). Start it again.');
    grant.started = true;
    const choice = ClashChoice.safeParse(req.search.get('clash') ?? 'keep-both');
    if (!choice.success) throw new LabError('BAD_REQUEST', 'clash must be replace, keep-both or skip');
    const onGone = () => grant.abort.abort();
    req.signal.addEventListener('abort', onGone, { once: true });
    try {
      const result = await grant.files.upload(grant.upload, choice.data, req.body, grant.abort.signal);
      this.log.info('upload done', { lab: grant.upload.labId, files: result.files, bytes: result.bytes });
      return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(UploadResult.parse(result)) };
    } finally {
      req.signal.removeEventListener('abort', onGone);
      this.uploads.delete(id);
    }
  }

  private async send(id: string, req: TransferRequest): Promise<TransferResponse> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new LabError('BAD_REQUEST', 'Fetch a download with GET.');
    const grant = this.downloads.get(id);
    this.downloads.delete(id);
    if (!grant || grant.expires < Date.now())
      throw new LabError('NOT_FOUND', 'This download link is no longer valid: links work once, for a minute. Click Download again.');
    const download = await grant.files.download(grant.what, req.signal);
    const headers: Record<string, string> = {
      'Content-Type': download.kind === 'zip' ? 'application/zip' : 'application/octet-stream',
      'Content-Disposition': contentDisposition(download.fileName),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    };
    if (download.size !== null) headers['Content-Length'] = String(download.size);
    return { status: 200, headers, body: download.stream };
  }

  /** An upload that will never come: its (empty) staging folder goes; failing that, the next plan sweeps it. */
  private forget(grant: UploadGrant): void {
    grant.files.discardStaging(grant.upload).catch((err: Error) => this.log.warn('upload staging not removed', { error: err.message }));
  }

  /** Cancels every upload in flight (ClassLab is closing). */
  close(): void {
    for (const g of this.uploads.values()) g.abort.abort();
    this.uploads.clear();
    this.downloads.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, g] of this.uploads) {
      if (g.expires < now && !g.started) {
        this.uploads.delete(id);
        this.forget(g);
      }
    }
    for (const [id, g] of this.downloads) if (g.expires < now) this.downloads.delete(id);
  }
}

/** attachment; filename="ascii fallback"; filename*=UTF-8''exact (RFC 6266 / 5987). */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

export function statusFor(code: string): number {
  switch (code) {
    case 'NOT_FOUND':
    case 'LAB_NOT_FOUND':
      return 404;
    case 'BAD_REQUEST':
    case 'PATH_INVALID':
      return 400;
    case 'REFUSED':
      return 422;
    case 'DISK_FULL':
      return 507;
    case 'EXISTS':
      return 409;
    case 'CANCELLED':
      return 499;
    case 'ENGINE_DOWN':
      return 503;
    default:
      return 500;
  }
}
