// ClassLab's Electron main process: the thin shell around the Electron-free core. It opens one locked-down
// window on the app page, answers the contract over IPC, draws lab notebooks in their own views, and on
// quit closes the core while the lab containers keep running (the next start adopts them by label).
import path from 'node:path';
import { app, BrowserWindow, ipcMain, session, shell, webContents } from 'electron';
import Store from 'electron-store';
import { LabError } from './api/errors';
import { createClassLab } from './core/classlab';
import { openAppSecretStore } from './shell/secret-store';
import { fileLogger } from './core/log';
import { defaultDataDir } from './core/paths';
import { createSettingsStore } from './core/settings';
import type { ClassLabCore } from './core/types';
import { AppWindows } from './shell/app-windows';
import { installAppCsp } from './shell/csp';
import { DisposableStore, toDisposable } from './shell/disposables';
import { bindIpc, type EventSink } from './shell/ipc';
import type { NotebookPort } from './api/lab-service';
import { NavigationGuard } from './shell/navigation-guard';
import { NotebookViews } from './shell/notebook-views';
import { resolveAppPaths } from './shell/paths';
import { startRefusingProxy } from './shell/refusing-proxy';
import { guardSession } from './shell/session-guard';
import { registerTransferScheme, serveTransfers, TRANSFER_SCHEME } from './shell/transfer-protocol';

/** Quitting never hangs on a core that does not answer. */
const CORE_CLOSE_TIMEOUT_MS = 5000;

// The app and the `classlab` command share one data folder (settings, logs), CLASSLAB_HOME included,
// so a host's scripts and the window see the same settings.
app.setPath('userData', defaultDataDir());

// One JSON-lines log for the shell and the core (tokens masked), echoed to the terminal in development.
const log = fileLogger(path.join(app.getPath('userData'), 'logs', 'classlab.log'), !app.isPackaged);

// Every renderer sandboxed, whatever a window's own preferences say.
app.enableSandbox();

if (app.requestSingleInstanceLock()) {
  runShell();
} else {
  // Another ClassLab runs with this user's data; it is told (second-instance) and shows its window.
  app.quit();
}

function runShell(): void {
  // Before ready: the upload/download scheme must be privileged (streaming bodies, fetch/XHR).
  registerTransferScheme();
  const paths = resolveAppPaths(import.meta.url, { isPackaged: app.isPackaged, resourcesPath: process.resourcesPath });
  const devTools = !app.isPackaged;
  const disposables = new DisposableStore();
  let core: ClassLabCore | null = null;
  let coreStarting: Promise<ClassLabCore> | null = null;

  // Reviewed for Electronegativity's OPEN_EXTERNAL_JS_CHECK: the guard is the only caller, with http:,
  // https: or mailto: links the user has just clicked (navigation-guard.ts handOut).
  const guard = new NavigationGuard({ openExternal: (url) => shell.openExternal(url), log }); // eng-disable OPEN_EXTERNAL_JS_CHECK
  // Before anything can create a webContents: the guard has to see every one of them from its birth.
  disposables.add(guard.install(app));

  // Every lab session's way out but its own origin: a listener that closes each connection (refusing-proxy.ts).
  const refusingProxy = startRefusingProxy();
  refusingProxy.catch((err: unknown) => log.error('the refusing proxy did not start: notebooks will not load', { error: String(err) }));
  disposables.add(
    toDisposable(
      () =>
        void refusingProxy.then(
          (p) => p.close(),
          () => undefined,
        ),
    ),
  );

  const views = new NotebookViews({
    notebookUrl: (labId) => core?.notebookUrl(labId) ?? null,
    guard,
    downloadsDir: app.getPath('downloads'),
    devTools,
    refusingProxy,
    log,
  });
  disposables.add(toDisposable(() => views.dispose()));

  const windows = new AppWindows({ paths, guard, devTools, log, onPageReplaced: (win) => views.hide(win) });

  const windowOf = (sender: EventSink): BrowserWindow => {
    const contents = webContents.fromId(sender.id);
    const win = contents ? BrowserWindow.fromWebContents(contents) : null;
    if (!win) throw new LabError('BAD_REQUEST', 'this page has no window');
    return win;
  };
  const notebookFor = (sender: EventSink): NotebookPort => ({
    show: async (labId, rect, path) => views.show(windowOf(sender), labId, rect, path),
    hide: async () => {
      views.hide(windowOf(sender));
      return null;
    },
  });

  app.on('second-instance', () => {
    if (app.isReady()) windows.focusOrCreate();
  });

  void app.whenReady().then(() => {
    // The app page's session: the CSP header on its documents, no web permissions, downloads only of
    // workspace files through ClassLab's own scheme.
    installAppCsp(session.defaultSession, paths.rendererDirUrl);
    guardSession(session.defaultSession, { notebookOrigin: () => null, downloadsDir: app.getPath('downloads'), transferScheme: TRANSFER_SCHEME, log });
    serveTransfers(session.defaultSession, () => core);

    coreStarting = startCore(paths.catalogDir, paths.imagesDir);
    coreStarting.then(
      (started) => {
        core = started;
        // A notebook view must not outlive its lab: once the lab leaves 'ready', its view goes.
        disposables.add(
          toDisposable(
            started.subscribe('labs:changed', (lab) => {
              if (lab.phase !== 'ready') views.closeLab(lab.id);
            }),
          ),
        );
        // The same for a hub lab (core/hub): its gate closes when it leaves 'ready'.
        disposables.add(
          toDisposable(
            started.subscribe('hubs:changed', (lab) => {
              if (lab.phase !== 'ready') views.closeLab(lab.id);
            }),
          ),
        );
      },
      (err: unknown) => log.error('the ClassLab core did not start', { error: err instanceof Error ? err.message : String(err) }),
    );
    disposables.add(bindIpc({ ipc: ipcMain, core: coreStarting, isTrustedSender: (event) => windows.isTrustedSender(event), notebookFor, log }));
    windows.create();
  });

  // macOS keeps an app without windows alive and reopens a window from the dock; elsewhere that is a quit.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) windows.create();
  });

  let quitting: 'no' | 'closing' | 'done' = 'no';
  app.on('before-quit', (event) => {
    if (quitting === 'done') return;
    // Hold the quit until the core has let go of its timers and event streams.
    event.preventDefault();
    if (quitting === 'closing') return;
    quitting = 'closing';
    void closeAll(disposables, coreStarting).finally(() => {
      quitting = 'done';
      app.quit();
    });
  });
  // Ctrl-C in the terminal of `npm start`, or a service manager stopping us: the same orderly quit.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
}

async function startCore(catalogDir: string, imagesDir: string): Promise<ClassLabCore> {
  // settings.json in the user-data folder; a corrupt file is replaced by defaults instead of stopping the app.
  const store = new Store<Record<string, unknown>>({ name: 'settings', clearInvalidConfig: true });
  // Git tokens: the OS's secret storage through safeStorage (an encrypted file where it has none).
  const { store: secrets, kind } = await openAppSecretStore(app.getPath('userData'));
  log.info('secret storage', { kind });
  return createClassLab({
    settings: createSettingsStore(store),
    catalogDir,
    imagesDir,
    dataDir: app.getPath('userData'),
    secrets,
    log,
    // The same knob as the CLI's: tests run the app on their own Docker namespace, apart from real labs.
    namespace: process.env.CLASSLAB_NAMESPACE || undefined,
    warmLabs: true,
  });
}

async function closeAll(disposables: DisposableStore, coreStarting: Promise<ClassLabCore> | null): Promise<void> {
  disposables.dispose();
  if (!coreStarting) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.warn('the core did not close in time; quitting anyway');
      resolve();
    }, CORE_CLOSE_TIMEOUT_MS);
  });
  // Lab containers are left running on purpose: they are found by label and adopted on the next start.
  const closing = coreStarting.then((c) => c.close()).catch((err: unknown) => log.warn('closing the core failed', { error: String(err) }));
  await Promise.race([closing, timeout]);
  clearTimeout(timer);
}
