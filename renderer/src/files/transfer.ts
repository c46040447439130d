// Moving bytes: an upload is one HTTP PUT (a tar built in the browser from the picked files, or a lab pack
// file as it is) to the path a plan names; a download is an ordinary browser download of a single-use link.
import type { z } from 'zod';
import { LabApiError } from '../../../electron/api/client';
import { ApiError, UploadResult, type ClashChoice, type DownloadLink, type LabApi } from '../../../electron/api/contract';
import { buildTar, progressAt } from './tar';
import type { UploadItem } from './uploadItems';

export interface UploadProgress {
  bytes: number;
  totalBytes: number;
  files: number;
  totalFiles: number;
}

export interface Running<T> {
  result: Promise<T>;
  /** Stops sending; the promise rejects with CANCELLED. */
  abort(): void;
}
export type RunningUpload = Running<UploadResult>;

function replyError(xhr: XMLHttpRequest): LabApiError {
  try {
    const parsed = ApiError.safeParse(JSON.parse(xhr.responseText));
    if (parsed.success) return new LabApiError(parsed.data.code, parsed.data.message);
  } catch {
    // not JSON: fall through
  }
  return new LabApiError('INTERNAL', `The upload failed (HTTP ${xhr.status}${xhr.statusText ? ` ${xhr.statusText}` : ''}).`);
}

/**
 * PUTs `body` to `url`, reporting the bytes sent so far; resolves with the 200 reply read by `reply`, and
 * rejects with the {code, message} an error reply carries. XMLHttpRequest, because fetch has no upload
 * progress; a File body is streamed from disk by the browser, never read into the page's memory.
 */
export function putWithProgress<T>(url: string, body: Blob, contentType: string, reply: z.ZodType<T>, onSent: (bytes: number) => void): Running<T> {
  const xhr = new XMLHttpRequest();
  const result = new Promise<T>((resolve, reject) => {
    xhr.upload.onprogress = (e) => onSent(e.loaded);
    xhr.onload = () => {
      if (xhr.status !== 200) return reject(replyError(xhr));
      try {
        const parsed = reply.safeParse(JSON.parse(xhr.responseText));
        if (parsed.success) return resolve(parsed.data);
      } catch {
        // fall through
      }
      reject(new LabApiError('INTERNAL', 'The upload finished, but its reply was not understood.'));
    };
    xhr.onerror = () => reject(new LabApiError('DISCONNECTED', 'The upload was interrupted: the connection to ClassLab was lost.'));
    xhr.onabort = () => reject(new LabApiError('CANCELLED', 'The upload was cancelled.'));
    xhr.open('PUT', url);
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.send(body);
  });
  return { result, abort: () => xhr.abort() };
}

/** Sends `items` as a tar to `url` with PUT, reporting progress in file bytes and whole files. */
export function sendUpload(url: string, items: readonly UploadItem[], onProgress: (p: UploadProgress) => void): RunningUpload {
  const layout = buildTar(items);
  const totalBytes = layout.bytesBefore.at(-1) ?? 0;
  const totalFiles = layout.filesBefore.at(-1) ?? 0;
  const running = putWithProgress(url, layout.blob, 'application/x-tar', UploadResult, (sent) => {
    const done = progressAt(layout, sent);
    onProgress({ bytes: done.bytes, totalBytes, files: done.files, totalFiles });
  });
  onProgress({ bytes: 0, totalBytes, files: 0, totalFiles });
  return running;
}

export const uploadUrl = (api: LabApi, planPath: string, choice: ClashChoice): string =>
  `${api.files.transferBase}${planPath}?clash=${encodeURIComponent(choice)}`;

/** Lets the browser download a single-use link (with its own progress, under the link's file name). */
export function saveLink(api: LabApi, link: DownloadLink): void {
  const a = document.createElement('a');
  a.href = `${api.files.transferBase}${link.path}`;
  a.download = link.fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
}

/** Asks for a fresh single-use link to a workspace file and downloads it. */
export async function startDownload(api: LabApi, labId: string, path: string): Promise<string> {
  const link = await api.files.downloadLink(labId, path);
  saveLink(api, link);
  return link.fileName;
}
