// The bridge's token arrives once in the address (`#token=…`, printed by `classlab serve`). It is kept
// for this tab only (sessionStorage survives a reload, not a new tab) and removed from the address bar at
// once, so a copied address never carries it.
const KEY = 'classlab.bridgeToken';

export function takeBridgeToken(): string | null {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromHash = params.get('token');
  if (fromHash) {
    try {
      window.sessionStorage.setItem(KEY, fromHash);
    } catch {
      // Storage can be disabled; the token then lives only as long as this page.
    }
    params.delete('token');
    const rest = params.toString();
    const clean = window.location.pathname + window.location.search + (rest ? `#${rest}` : '');
    window.history.replaceState(window.history.state, '', clean);
    return fromHash;
  }
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function forgetBridgeToken(): void {
  try {
    window.sessionStorage.removeItem(KEY);
  } catch {
    // Nothing to forget.
  }
}
