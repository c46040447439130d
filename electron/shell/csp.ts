// The Content-Security-Policy of the app's own page. The renderer's index.html carries a CSP <meta> too;
// this header is the second lock, set by main so a change to the HTML cannot quietly loosen it (when both
// exist the browser enforces both). The <meta> must also serve the browser build (WebSocket to the bridge,
// the notebook in a frame); in Electron the page reaches Node only through window.classlab and notebooks are
// separate views, so this header also takes away the network and frames.
import type { Session } from 'electron';

export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // Inline styles cannot run code, and the renderer's own <meta> CSP allows them; refusing them here would
  // only break components that set style text.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  // Uploads (XHR PUT) to ClassLab's own transfer scheme (transfer-protocol.ts), nothing else.
  'connect-src classlab-files:',
  "frame-src 'none'",
  "object-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** True when `url` is a file inside the renderer's folder (compared on decoded paths). */
export function isRendererFile(url: string, rendererDirUrl: string): boolean {
  try {
    const target = new URL(url);
    const dir = new URL(rendererDirUrl.endsWith('/') ? rendererDirUrl : `${rendererDirUrl}/`);
    if (target.protocol !== 'file:' || dir.protocol !== 'file:' || target.host !== dir.host) return false;
    return decodeURIComponent(target.pathname).startsWith(decodeURIComponent(dir.pathname));
  } catch {
    return false;
  }
}

/** Response headers with the app CSP added, replacing any CSP header already there (any letter case). */
export function withAppCsp(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  // Electronegativity's CSP_GLOBAL_CHECK cannot read a policy held in a constant; APP_CSP above is the
  // policy, pinned by test/unit/shell/csp.test.ts.
  out['Content-Security-Policy'] = [APP_CSP]; // eng-disable CSP_GLOBAL_CHECK
  return out;
}

/** Adds the CSP header to the app's own documents in this session; every other response passes unchanged. */
export function installAppCsp(session: Session, rendererDirUrl: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const isDocument = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    if (isDocument && isRendererFile(details.url, rendererDirUrl)) {
      callback({ responseHeaders: withAppCsp(details.responseHeaders) });
    } else {
      callback({});
    }
  });
}
