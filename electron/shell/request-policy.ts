// What a lab's notebook page may reach from its session. The page renders student output, so it gets what
// the lab itself has and nothing more: its own origin (the gate's loopback port; its WebSocket too). One
// pure function decides each request (lab-session.ts wires it to webRequest); a second gives the session a
// proxy that answers nothing, so what never passes through webRequest (WebRTC over TCP, preconnect, DNS
// prefetch) cannot go around the filter either.

/**
 * Schemes allowed besides the lab's origin, and why:
 * - data: bytes the page already holds (plots as data: images, an audio output); nothing leaves the PC;
 * - blob: the same, only those the lab's own page made (a blob URL carries its creator's origin);
 * - devtools: only when developer tools are on: the inspector's own bundled pages, no network.
 * Everything else (other ports and hosts, https:, file:, ClassLab's own schemes, extensions) is refused.
 */
export interface LabRequestOptions {
  devTools: boolean;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True when `url` is on the lab's own host and port over http: or ws: (what its page speaks). */
function onLabOrigin(target: URL, lab: URL): boolean {
  if (target.protocol !== 'http:' && target.protocol !== 'ws:') return false;
  // Both default to port 80, which URL reports as ''; the lab's origin always names its port.
  return target.hostname === lab.hostname && (target.port || '80') === (lab.port || '80');
}

export function isLabRequestAllowed(url: string, labOrigin: string | null, opts: LabRequestOptions): boolean {
  if (!labOrigin) return false;
  const lab = parse(labOrigin);
  const target = parse(url);
  if (!lab || !target || lab.protocol !== 'http:') return false;
  if (target.protocol === 'data:') return true;
  // blob:http://127.0.0.1:1234/uuid has the origin http://127.0.0.1:1234.
  if (target.protocol === 'blob:') return target.origin === lab.origin;
  if (target.protocol === 'devtools:') return opts.devTools;
  return onLabOrigin(target, lab);
}

/**
 * WebRTC may use only proxied connections: no UDP at all (the proxy speaks TCP), so a peer connection or a
 * STUN request cannot go around the proxy. Measured in Chromium: the proxy alone leaves STUN over UDP open.
 */
export const LAB_WEBRTC_POLICY = 'disable_non_proxied_udp' as const;

/**
 * The lab session's proxy: every connection goes to `refusingProxy` (a listener that closes whatever
 * reaches it, refusing-proxy.ts), except the lab's own host and port. Chromium bypasses loopback by itself;
 * `<-loopback>` takes that away, so other labs and the host's own services on 127.0.0.1 are not bypassed.
 * It must come first: measured in Chromium 156, "127.0.0.1:PORT,<-loopback>" bypasses nothing at all
 * (test/e2e/lab-session-chromium.test.ts).
 * With WebRTC limited to proxied connections (LAB_WEBRTC_POLICY), a peer connection can reach nothing
 * either. There is no "direct://" fallback: a proxy that fails fails the request.
 */
export function labProxyConfig(
  labOrigin: string,
  refusingProxy: { host: string; port: number },
): {
  mode: 'fixed_servers';
  proxyRules: string;
  proxyBypassRules: string;
} {
  const lab = new URL(labOrigin);
  if (lab.protocol !== 'http:' || !lab.port) throw new Error(`a lab origin is http://host:port, not ${labOrigin}`);
  return {
    mode: 'fixed_servers',
    proxyRules: `http://${refusingProxy.host}:${refusingProxy.port}`,
    proxyBypassRules: `<-loopback>,${lab.hostname}:${lab.port}`,
  };
}
