// Where a web page may go. One pure function decides; shell/navigation-guard.ts wires it to Electron's events.
// Two kinds of surface exist: the app's own page (a file:// document with the privileged preload) and a
// lab's notebook view (one http origin on 127.0.0.1, no preload). Anything else is refused.

export type NavigationVerdict = 'allow' | 'deny' | 'open-external';

/** What a webContents shows; null for a webContents nobody has claimed (refused everything). */
export type Surface = { kind: 'app'; pageUrl: string } | { kind: 'notebook'; origin: string } | null;

/**
 * navigate: the main frame follows a link or script (will-navigate);
 * redirect: the server answered with a redirect (will-redirect), which the user did not ask for;
 * subframe: an iframe inside the page navigates;
 * window-open: window.open or a target=_blank link. For a notebook, 'allow' means "load it in the same
 * view": a lab never gets a second window.
 */
export type NavigationKind = 'navigate' | 'redirect' | 'subframe' | 'window-open';

export interface NavigationContext {
  surface: Surface;
  kind: NavigationKind;
}

/** Schemes the user's own browser or mail program may be handed. Never file:, javascript:, custom schemes. */
const EXTERNAL_SCHEMES = new Set(['http:', 'https:', 'mailto:']);
const WEB_SCHEMES = new Set(['http:', 'https:']);
/** Documents a notebook output may put in an iframe without leaving the lab (HTML and widget outputs). */
const INLINE_FRAME_URLS = new Set(['about:blank', 'about:srcdoc']);

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True when `url` is the app's own page (any query or fragment): the only document the app window shows. */
export function isAppPage(url: string, pageUrl: string): boolean {
  const target = parse(url);
  const page = parse(pageUrl);
  if (!target || !page || target.protocol !== 'file:' || page.protocol !== 'file:') return false;
  // Chromium and Node may percent-encode a path differently (spaces, non-ASCII): compare decoded paths.
  const decode = (p: string): string | null => {
    try {
      return decodeURIComponent(p);
    } catch {
      return null;
    }
  };
  const a = decode(target.pathname);
  return a !== null && a === decode(page.pathname) && target.host === page.host;
}

/** The origin of an http(s) URL, or null for anything else (so blob:, data: and file: never match one). */
export function webOrigin(url: string): string | null {
  const parsed = parse(url);
  return parsed && WEB_SCHEMES.has(parsed.protocol) ? parsed.origin : null;
}

function external(target: URL, kind: NavigationKind): NavigationVerdict {
  // Only something the page asked for on the user's behalf goes to the system browser. A redirect is the
  // server's choice and a subframe is part of the page's layout: neither may open programs on the desktop.
  if (kind === 'redirect' || kind === 'subframe') return 'deny';
  return EXTERNAL_SCHEMES.has(target.protocol) ? 'open-external' : 'deny';
}

export function classifyNavigation(url: string, context: NavigationContext): NavigationVerdict {
  const { surface, kind } = context;
  const target = parse(url);
  if (!surface || !target) return 'deny';

  if (surface.kind === 'app') {
    // The app page never frames anything and never opens a second window of its own.
    if (kind === 'subframe') return 'deny';
    // Reloading the page (or moving within it) is fine; any other local file would run with the preload.
    if ((kind === 'navigate' || kind === 'redirect') && isAppPage(url, surface.pageUrl)) return 'allow';
    return external(target, kind);
  }

  // A notebook view is locked to its lab's origin.
  if (webOrigin(url) === surface.origin) return 'allow';
  if (kind === 'subframe' && (INLINE_FRAME_URLS.has(url) || target.protocol === 'data:')) return 'allow';
  return external(target, kind);
}
