// Wires request-policy.ts to a lab's session: every request checked against the lab's origin as it is now
// (the lab's port changes when it restarts, so it is read live), and the refusing proxy for all the rest.
import type { Session, WebContents } from 'electron';
import type { Logger } from '../core/types';
import { safeForLog } from './navigation-guard';
import type { RefusingProxy } from './refusing-proxy';
import { isLabRequestAllowed, LAB_WEBRTC_POLICY, labProxyConfig } from './request-policy';

export interface LabRequestGuardOptions {
  /** The lab's notebook origin right now, or null (no view: nothing is allowed). */
  labOrigin(): string | null;
  devTools: boolean;
  log: Logger;
}

const filtered = new WeakSet<Session>();

/** Cancels every request of the session that its lab's page may not make. Installed once per session. */
export function filterLabRequests(session: Session, options: LabRequestGuardOptions): void {
  if (filtered.has(session)) return;
  filtered.add(session);
  session.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
    const allowed = isLabRequestAllowed(details.url, options.labOrigin(), { devTools: options.devTools });
    if (!allowed) options.log.warn('refused a request of a notebook page', { to: safeForLog(details.url), type: details.resourceType });
    callback({ cancel: !allowed });
  });
}

/**
 * Routes the session through the refusing proxy, with the lab's origin (at this start) the only way out,
 * and WebRTC kept to proxied connections. Resolves once the settings hold: load the page after it.
 */
export async function confineLabConnections(contents: WebContents, labOrigin: string, proxy: Pick<RefusingProxy, 'host' | 'port'>): Promise<void> {
  contents.setWebRTCIPHandlingPolicy(LAB_WEBRTC_POLICY);
  await contents.session.setProxy(labProxyConfig(labOrigin, proxy));
  // Pooled connections made under the previous settings (the lab's old port) must not be reused.
  await contents.session.closeAllConnections();
}
