// The app's windows: each shows the app page with the privileged preload, locked down, and is the only
// kind of page whose IPC calls are answered.
import { BrowserWindow } from 'electron';
import type { Logger } from '../core/types';
import type { InvokeEventLike } from './ipc';
import type { NavigationGuard } from './navigation-guard';
import { isAppPage } from './navigation-policy';
import type { AppPaths } from './paths';

export interface AppWindowsDeps {
  paths: AppPaths;
  guard: NavigationGuard;
  devTools: boolean;
  /** The window's page was replaced (a reload): whatever main drew over it must go. */
  onPageReplaced(win: BrowserWindow): void;
  log: Logger;
}

export class AppWindows {
  /** webContents ids of our app windows, kept aside since a destroyed webContents can't be asked. */
  private readonly contentsIds = new Set<number>();

  constructor(private readonly deps: AppWindowsDeps) {}

  create(): BrowserWindow {
    const { paths, guard, devTools, log } = this.deps;
    const win = new BrowserWindow({
      width: 1280,
      height: 840,
      minWidth: 800,
      minHeight: 560,
      title: 'ClassLab',
      backgroundColor: '#ffffff',
      // Shown once painted, so the user never sees an empty white frame.
      show: false,
      // Written here, at the construction, so that a reader (and Electronegativity) sees them where they take
      // effect; test/unit/shell/web-preferences.test.ts pins them. The only page with the preload.
      webPreferences: {
        // Reviewed for Electronegativity's PRELOAD_JS_CHECK: the preload exposes one object, window.classlab,
        // through contextBridge (no ipcRenderer, no Node), checked key by key in test/electron/preload-contract.
        preload: paths.preload, // eng-disable PRELOAD_JS_CHECK
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
        devTools,
      },
    });
    const contents = win.webContents;
    const contentsId = contents.id;
    guard.claim(contents, { kind: 'app', pageUrl: paths.appPageUrl });
    this.contentsIds.add(contentsId);

    contents.on('did-navigate', () => this.deps.onPageReplaced(win));
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => this.contentsIds.delete(contentsId));
    win.loadFile(paths.indexHtml).catch((err: unknown) => log.error('the app page did not load', { error: String(err) }));
    return win;
  }

  /** Only the app page, in its main frame, in one of our windows, may call the API. */
  isTrustedSender(event: InvokeEventLike): boolean {
    const frame = event.senderFrame;
    return this.contentsIds.has(event.sender.id) && frame !== null && frame.parent === null && isAppPage(frame.url, this.deps.paths.appPageUrl);
  }

  /** The existing window, restored and focused (a second launch of ClassLab lands here). */
  focusOrCreate(): BrowserWindow {
    const existing = BrowserWindow.getAllWindows().find((w) => this.contentsIds.has(w.webContents.id));
    if (!existing) return this.create();
    if (existing.isMinimized()) existing.restore();
    existing.show();
    existing.focus();
    return existing;
  }
}
