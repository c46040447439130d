// Which downloads a notebook view may start: files its own lab serves (the notebook's "Download" and
// "Download as"), or files the page built itself (blob: of the same origin, data:). Anything else would be
// a lab's page fetching from elsewhere onto the desktop, so it is cancelled.

export function isDownloadAllowed(url: string, notebookOrigin: string | null): boolean {
  if (!notebookOrigin) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'data:') return true;
  // A blob URL's origin is its creator's (blob:http://127.0.0.1:1234/uuid → http://127.0.0.1:1234).
  if (parsed.protocol === 'blob:') return parsed.origin === notebookOrigin;
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === notebookOrigin;
}

/** A file name for the save dialog that cannot point outside the folder it is joined to. */
export function safeDownloadName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    // eslint-disable-next-line no-control-regex -- control characters are what this replaces
    .replace(/[\u0000-\u001f<>:"|?*]/g, '_')
    .replace(/^\.+/, '')
    .trim();
  return cleaned.length > 0 ? cleaned.slice(0, 200) : 'download';
}
