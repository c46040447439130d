// Wires the navigation policy to every webContents the app ever creates. The guard is attached when a
// webContents is created and asks, at each navigation, what that webContents was claimed as: one that
// nobody claimed (a future view, a devtools-opened page) can go nowhere and open nothing. A link goes to
// the desktop's browser only right after the user's own click or key in that webContents (user-activation.ts).
import type { App, WebContents } from 'electron';
import type { Logger } from '../core/types';
import { classifyNavigation, type NavigationKind, type Surface } from './navigation-policy';
import { toDisposable, type Disposable } from './disposables';
import { UserActivation } from './user-activation';

/** At most one external open per webContents in this window of time: a page must not spam browser tabs. */
const EXTERNAL_OPEN_INTERVAL_MS = 1000;

interface NavigationDetails {
  readonly url: string;
  readonly isMainFrame: boolean;
  preventDefault(): void;
}

export interface NavigationGuardDeps {
  openExternal(url: string): Promise<void>;
  log: Logger;
}

export class NavigationGuard {
  private readonly surfaces = new WeakMap<WebContents, Exclude<Surface, null>>();
  private readonly lastExternalOpen = new WeakMap<WebContents, number>();
  private readonly activations = new WeakMap<WebContents, UserActivation>();

  constructor(private readonly deps: NavigationGuardDeps) {}

  /** Register before any window exists: the guard must see every webContents from its creation. */
  install(app: App): Disposable {
    const onCreated = (_event: unknown, contents: WebContents): void => this.guard(contents);
    app.on('web-contents-created', onCreated);
    return toDisposable(() => app.off('web-contents-created', onCreated));
  }

  /** Says what a webContents shows; until then it is denied everything. */
  claim(contents: WebContents, surface: Exclude<Surface, null>): void {
    this.surfaces.set(contents, surface);
  }

  private decide(contents: WebContents, url: string, kind: NavigationKind) {
    return classifyNavigation(url, { surface: this.surfaces.get(contents) ?? null, kind });
  }

  private guard(contents: WebContents): void {
    // Real input only: Electron reports what the window system delivered, never a script's dispatchEvent.
    const activation = new UserActivation();
    this.activations.set(contents, activation);
    contents.on('input-event', (_event, input) => activation.record(input, Date.now()));
    contents.on('before-input-event', (_event, input) => activation.record({ type: input.type, key: input.key }, Date.now()));

    const handle = (details: NavigationDetails, kind: NavigationKind): void => {
      const verdict = this.decide(contents, details.url, kind);
      if (verdict === 'allow') return;
      details.preventDefault();
      if (verdict === 'open-external' && details.isMainFrame) this.handOut(contents, details.url);
      else this.deps.log.warn('blocked a navigation', { kind, to: safeForLog(details.url) });
    };

    contents.on('will-navigate', (details) => handle(details, 'navigate'));
    contents.on('will-redirect', (details) => handle(details, details.isMainFrame ? 'redirect' : 'subframe'));
    // will-navigate fires for the main frame only; will-frame-navigate for every frame, so take subframes here.
    contents.on('will-frame-navigate', (details) => {
      if (!details.isMainFrame) handle(details, 'subframe');
    });
    // <webview> is disabled in every window's preferences; refuse it here too in case a preference slips.
    contents.on('will-attach-webview', (event) => event.preventDefault());

    contents.setWindowOpenHandler(({ url }) => {
      const verdict = this.decide(contents, url, 'window-open');
      if (verdict === 'allow') {
        // A notebook opening one of its own pages: show it in the same view instead of a new window.
        contents.loadURL(url).catch((err: unknown) => this.deps.log.warn('could not load a page in its view', { error: String(err) }));
      } else if (verdict === 'open-external') {
        this.handOut(contents, url);
      } else {
        this.deps.log.warn('blocked a new window', { to: safeForLog(url) });
      }
      return { action: 'deny' };
    });
  }

  /** Hands a link to the desktop's browser: only the first one after the user's own click, and not too often. */
  private handOut(contents: WebContents, url: string): void {
    const now = Date.now();
    if (!this.activations.get(contents)?.consume(now)) {
      this.deps.log.warn('dropped an external link the user did not click', { to: safeForLog(url) });
      return;
    }
    if (now - (this.lastExternalOpen.get(contents) ?? 0) < EXTERNAL_OPEN_INTERVAL_MS) {
      this.deps.log.warn('dropped an external link opened too soon after another', { to: safeForLog(url) });
      return;
    }
    this.lastExternalOpen.set(contents, now);
    // The parsed href, so whitespace and control characters never reach the operating system. Reviewed for
    // Electronegativity's OPEN_EXTERNAL_JS_CHECK: the only call; the URL is http:, https: or mailto: only
    // (navigation-policy.ts EXTERNAL_SCHEMES), from a page's link the user just clicked (handOut).
    const href = new URL(url).href;
    this.deps.openExternal(href).catch((err: unknown) => this.deps.log.warn('could not open a link', { error: String(err) })); // eng-disable OPEN_EXTERNAL_JS_CHECK
  }
}

/** A URL for the log without its query or fragment: a notebook URL carries its token in the query. */
export function safeForLog(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'data:' ? 'data:…' : `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'unparsable url';
  }
}
