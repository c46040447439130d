// Wires the navigation policy to every webContents the app ever creates. The guard is attached when a
// webContents is created and asks, at each navigation, what that webContents was claimed as: one that
// nobody claimed (a future view, a devtools-opened page) can go nowhere and open nothing.
import type { App, WebContents } from 'electron';
import type { Logger } from '../core/types';
import { classifyNavigation, type NavigationKind, type Surface } from './navigation-policy';
import { toDisposable, type Disposable } from './disposables';

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
    const handle = (details: NavigationDetails, kind: NavigationKind): void => {
      const verdict = this.decide(contents, details.url, kind);
      if (verdict === 'allow') return;
      details.preventDefault();
      if (verdict === 'open-external' && details.isMainFrame) this.openExternal(contents, details.url);
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
        this.openExternal(contents, url);
      } else {
        this.deps.log.warn('blocked a new window', { to: safeForLog(url) });
      }
      return { action: 'deny' };
    });
  }

  private openExternal(contents: WebContents, url: string): void {
    const now = Date.now();
    if (now - (this.lastExternalOpen.get(contents) ?? 0) < EXTERNAL_OPEN_INTERVAL_MS) {
      this.deps.log.warn('dropped an external link opened too soon after another', { to: safeForLog(url) });
      return;
    }
    this.lastExternalOpen.set(contents, now);
    // The parsed href, so whitespace and control characters never reach the operating system.
    this.deps.openExternal(new URL(url).href).catch((err: unknown) => this.deps.log.warn('could not open a link', { error: String(err) }));
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
