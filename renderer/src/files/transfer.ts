// Moving bytes: an upload is one HTTP PUT of a tar (built in the browser, streamed from the picked files)
// to the path an upload plan names; a download is an ordinary browser download of a single-use link.
import { LabApiError } from '../../../electron/api/client';
import { ApiError, UploadResult, type ClashChoice, type LabApi } from '../../../electron/api/contract';
import { buildTar, progressAt } from './tar';
import type { UploadItem } from './uploadItems';

export interface UploadProgress {
  bytes: number;
  totalBytes: number;
  files: number;
  totalFiles: number;
}

export interface RunningUpload {
  result: Promise<UploadResult>;
  /** Stops sending; the promise rejects with CANCELLED. */
  abort(): void;
}

function replyError(xhr: XMLHttpRequest): LabApiError {
  try {
    const parsed = ApiError.safeParse(JSON.parse(xhr.responseText));
    if (parsed.success) return new LabApiError(parsed.data.code, parsed.data.message);
  } catch {
    // not JSON: fall through
  }
  return new LabApiError('INTERNAL', `The upload failed (HTTP ${xhr.status}${xhr.statusText ? ` ${xhr.statusText}` : ''}).`);
}

/** Sends `items` as a tar to `url` with PUT, reporting progress in file bytes and whole files. */
export function sendUpload(url: string, items: readonly UploadItem[], onProgress: (p: UploadProgress) => void): RunningUpload {
  const layout = buildTar(items);
  const totalBytes = layout.bytesBefore.at(-1) ?? 0;
  const totalFiles = layout.filesBefore.at(-1) ?? 0;
  const xhr = new XMLHttpRequest();
  const result = new Promise<UploadResult>((resolve, reject) => {
    xhr.upload.onprogress = (e) => {
      const done = progressAt(layout, e.loaded);
      onProgress({ bytes: done.bytes, totalBytes, files: done.files, totalFiles });
    };
    xhr.onload = () => {
      if (xhr.status !== 200) return reject(replyError(xhr));
      try {
        const parsed = UploadResult.safeParse(JSON.parse(xhr.responseText));
        if (parsed.success) return resolve(parsed.data);
      } catch {
        // fall through
      }
      reject(new LabApiError('INTERNAL', 'The upload finished, but its reply was not understood.'));
    };
    xhr.onerror = () => reject(new LabApiError('DISCONNECTED', 'The upload was interrupted: the connection to ClassLab was lost.'));
    xhr.onabort = () => reject(new LabApiError('CANCELLED', 'The upload was cancelled.'));
    xhr.open('PUT', url);
    xhr.setRequestHeader('Content-Type', 'application/x-tar');
    xhr.send(layout.blob);
  });
  onProgress({ bytes: 0, totalBytes, files: 0, totalFiles });
  return { result, abort: () => xhr.abort() };
}

export const uploadUrl = (api: LabApi, planPath: string, choice: ClashChoice): string =>
  `${api.files.transferBase}${planPath}?clash=${encodeURIComponent(choice)}`;

/** Asks for a fresh single-use link and lets the browser download it (with its own progress). */
export async function startDownload(api: LabApi, labId: string, path: string): Promise<string> {
  const link = await api.files.downloadLink(labId, path);
  const a = document.createElement('a');
  a.href = `${api.files.transferBase}${link.path}`;
  a.download = link.fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  return link.fileName;
}
