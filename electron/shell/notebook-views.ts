// The lab notebooks in Electron: one native view per lab, laid over the rectangle the UI reserves for it.
// A view is a separate, unprivileged page (its own persistent session, sandboxed, no preload, no Node)
// locked to its lab's notebook origin; the app page never frames the notebook. Its session lets requests
// reach that origin only (lab-session.ts), so a page that renders student output reaches no more than the
// lab itself. Views stay loaded while hidden (switching back is instant) and are closed when their lab stops.
import { WebContentsView, type BrowserWindow } from 'electron';
import type { NotebookPlacement, Rect } from '../api/contract';
import { LabError } from '../api/errors';
import type { Logger } from '../core/types';
import type { NavigationGuard } from './navigation-guard';
import { webOrigin } from './navigation-policy';
import { confineLabConnections, filterLabRequests } from './lab-session';
import type { RefusingProxy } from './refusing-proxy';
import { guardSession } from './session-guard';
import { toViewBounds } from './view-bounds';
import { notebookPageUrl } from '../core/files/notebook-path';

export interface NotebookViewsDeps {
  /** The notebook address (with token) of a ready lab, or null. */
  notebookUrl(labId: string): string | null;
  guard: NavigationGuard;
  downloadsDir: string;
  devTools: boolean;
  /** Where a lab's session sends every connection but its own origin (see refusing-proxy.ts). */
  refusingProxy: Promise<Pick<RefusingProxy, 'host' | 'port'>>;
  log: Logger;
}

interface LabView {
  readonly view: WebContentsView;
  readonly origin: string;
  /** Settles once the session is confined to this origin: every load waits for it. */
  readonly confined: Promise<void>;
  /** The window it is drawn in, with that window's id kept aside (a destroyed window can't be asked). */
  host: { win: BrowserWindow; id: number } | null;
  /** The workspace file last asked for, so a repeated show (every resize) does not reload it. */
  path: string | null;
}

export class NotebookViews {
  private readonly labs = new Map<string, LabView>();
  /** Which lab each window shows (by window id): one notebook per window at a time. */
  private readonly shown = new Map<number, string>();
  /** Windows whose 'closed' event we listen to, so each gets one listener however often views move. */
  private readonly watched = new Set<number>();

  constructor(private readonly deps: NotebookViewsDeps) {}

  show(win: BrowserWindow, labId: string, rect: Rect, path: string | null = null): NotebookPlacement {
    if (win.isDestroyed()) throw new LabError('BAD_REQUEST', 'the window is closed');
    const url = this.deps.notebookUrl(labId);
    if (!url) throw new LabError('NOT_READY', `the lab ${labId} is not ready`);
    const origin = webOrigin(url);
    if (!origin) throw new LabError('INTERNAL', `the notebook of ${labId} has no http address`);

    let lab = this.labs.get(labId);
    // The lab was restarted on another port since its view was made: that view is locked to the old origin.
    if (lab && lab.origin !== origin) {
      this.closeLab(labId);
      lab = undefined;
    }
    lab ??= this.create(labId, url, origin);
    if (path !== null && path !== lab.path) {
      lab.path = path;
      this.load(labId, lab, notebookPageUrl(url, path));
    }

    const windowId = win.id;
    const current = this.shown.get(windowId);
    if (current !== undefined && current !== labId) this.detach(current);
    if (lab.host?.win !== win) {
      this.detach(labId);
      win.contentView.addChildView(lab.view);
      lab.host = { win, id: windowId };
      this.shown.set(windowId, labId);
      this.watch(win, windowId);
    }
    lab.view.setBounds(toViewBounds(rect, win.webContents.getZoomFactor()));
    return { kind: 'view' };
  }

  /** Takes the window's notebook off screen; the view stays loaded for a quick return. */
  hide(win: BrowserWindow): void {
    const labId = this.shown.get(win.id);
    if (labId !== undefined) this.detach(labId);
  }

  /** Closes a lab's view for good (the lab stopped, or its page crashed). */
  closeLab(labId: string): void {
    const lab = this.labs.get(labId);
    if (!lab) return;
    this.detach(labId);
    this.labs.delete(labId);
    if (!lab.view.webContents.isDestroyed()) lab.view.webContents.close();
  }

  dispose(): void {
    for (const labId of [...this.labs.keys()]) this.closeLab(labId);
  }

  private create(labId: string, url: string, origin: string): LabView {
    // The preferences are written here, at the construction, so that a reader (and a checker such as
    // Electronegativity) sees them where they take effect; test/unit/shell/web-preferences.test.ts pins them.
    // Like the app window's, minus the preload: a notebook page gets no bridge to ClassLab at all.
    const view = new WebContentsView({
      webPreferences: {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        // Middle-click would open a link as a new window without passing the window-open handler's checks.
        disableBlinkFeatures: 'Auxclick',
        webviewTag: false,
        navigateOnDragDrop: false,
        safeDialogs: true,
        spellcheck: false,
        // Its own persistent session: cookies and storage apart from the app page and from other labs, and
        // kept across restarts of ClassLab.
        partition: `persist:lab-${labId}`,
        devTools: this.deps.devTools,
      },
    });
    const contents = view.webContents;
    // Claimed before the first load, so the guard already knows the one origin it may show.
    this.deps.guard.claim(contents, { kind: 'notebook', origin });
    const liveOrigin = (): string | null => this.labs.get(labId)?.origin ?? null;
    guardSession(contents.session, { notebookOrigin: liveOrigin, downloadsDir: this.deps.downloadsDir, log: this.deps.log });
    filterLabRequests(contents.session, { labOrigin: liveOrigin, devTools: this.deps.devTools, log: this.deps.log });
    contents.on('render-process-gone', (_event, details) => {
      this.deps.log.warn('a notebook view crashed', { lab: labId, reason: details.reason });
      this.closeLab(labId);
    });
    // Fail closed: without the proxy settings in place the page is never loaded.
    const confined = this.deps.refusingProxy.then((proxy) => confineLabConnections(contents, origin, proxy));
    const lab: LabView = { view, origin, confined, host: null, path: null };
    this.labs.set(labId, lab);
    // Not awaited: the UI gets its placement at once and the page paints when it arrives.
    this.load(labId, lab, url);
    return lab;
  }

  /** Loads a page of the lab in its view once its session is confined. The URL holds the token: never logged. */
  private load(labId: string, lab: LabView, url: string): void {
    const contents = lab.view.webContents;
    lab.confined
      .then(() => {
        if (contents.isDestroyed() || this.labs.get(labId) !== lab) return;
        return contents.loadURL(url);
      })
      .catch((err: unknown) => {
        this.deps.log.warn('the notebook page did not load', {
          lab: labId,
          error: err instanceof Error ? err.message.split(url).join('<notebook>') : 'unknown',
        });
      });
  }

  private detach(labId: string): void {
    const lab = this.labs.get(labId);
    if (!lab?.host) return;
    const { win, id } = lab.host;
    lab.host = null;
    if (this.shown.get(id) === labId) this.shown.delete(id);
    if (!win.isDestroyed()) win.contentView.removeChildView(lab.view);
  }

  private watch(win: BrowserWindow, windowId: number): void {
    if (this.watched.has(windowId)) return;
    this.watched.add(windowId);
    win.once('closed', () => {
      // The window took its child views off screen with it; the views stay loaded for another window.
      this.watched.delete(windowId);
      const labId = this.shown.get(windowId);
      this.shown.delete(windowId);
      const lab = labId === undefined ? undefined : this.labs.get(labId);
      if (lab) lab.host = null;
    });
  }
}
