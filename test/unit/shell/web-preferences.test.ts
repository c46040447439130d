// The web preferences of every page ClassLab shows are written literally where the window and the view
// are constructed (so Electronegativity sees them there). This test constructs them through the shell's
// own code, with Electron's classes replaced by recorders (no Electron binary here), and pins what each
// constructor received; it also checks how a notebook view's session is confined before its page loads.
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

class FakeContents {
  static nextId = 1;
  readonly id = FakeContents.nextId++;
  readonly listeners = new Map<string, Listener[]>();
  readonly loaded: string[] = [];
  readonly calls: string[] = [];
  webRtcPolicy: string | null = null;
  readonly session = new FakeSession(this.calls);
  on(event: string, fn: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  once(event: string, fn: Listener) {
    return this.on(event, fn);
  }
  isDestroyed() {
    return false;
  }
  getZoomFactor() {
    return 1;
  }
  setWebRTCIPHandlingPolicy(policy: string) {
    this.webRtcPolicy = policy;
    this.calls.push(`webrtc:${policy}`);
  }
  loadURL(url: string) {
    this.loaded.push(url);
    this.calls.push('loadURL');
    return Promise.resolve();
  }
  loadFile(file: string) {
    this.loaded.push(file);
    return Promise.resolve();
  }
  close() {}
}

class FakeSession {
  beforeRequest: ((details: { url: string; resourceType: string }, cb: (r: { cancel: boolean }) => void) => void) | null = null;
  proxy: unknown = null;
  readonly webRequest = {
    onBeforeRequest: (_filter: unknown, fn: FakeSession['beforeRequest']) => {
      this.beforeRequest = fn;
    },
  };
  constructor(private readonly calls: string[]) {}
  setPermissionRequestHandler() {}
  setPermissionCheckHandler() {}
  setDevicePermissionHandler() {}
  on() {}
  async setProxy(config: unknown) {
    await new Promise((r) => setTimeout(r, 5));
    this.proxy = config;
    this.calls.push('setProxy');
  }
  async closeAllConnections() {
    this.calls.push('closeAllConnections');
  }
}

const constructed: { kind: 'window' | 'view'; options: { webPreferences?: Record<string, unknown> }; contents: FakeContents }[] = [];

vi.mock('electron', () => {
  class BrowserWindow {
    static getAllWindows() {
      return [];
    }
    readonly id = FakeContents.nextId++;
    readonly webContents = new FakeContents();
    readonly contentView = { addChildView() {}, removeChildView() {} };
    constructor(options: { webPreferences?: Record<string, unknown> }) {
      constructed.push({ kind: 'window', options, contents: this.webContents });
    }
    on() {}
    once() {}
    isDestroyed() {
      return false;
    }
    loadFile(file: string) {
      return this.webContents.loadFile(file);
    }
  }
  class WebContentsView {
    readonly webContents = new FakeContents();
    constructor(options: { webPreferences?: Record<string, unknown> }) {
      constructed.push({ kind: 'view', options, contents: this.webContents });
    }
    setBounds() {}
  }
  return { BrowserWindow, WebContentsView };
});

const { AppWindows } = await import('../../../electron/shell/app-windows');
const { NotebookViews } = await import('../../../electron/shell/notebook-views');

const log = { info: () => {}, warn: () => {}, error: () => {} };
const guard = { claim: vi.fn() } as never;
const paths = {
  preload: '/app/preload.cjs',
  appPageUrl: 'file:///app/index.html',
  indexHtml: '/app/index.html',
  rendererDirUrl: 'file:///app/',
  catalogDir: '/app/images',
} as never;

const LOCKED = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  disableBlinkFeatures: 'Auxclick',
  webviewTag: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
};

function openNotebook(url = 'http://127.0.0.1:41234/?token=secret') {
  const views = new NotebookViews({
    notebookUrl: () => url,
    guard,
    downloadsDir: '/tmp',
    devTools: false,
    refusingProxy: Promise.resolve({ host: '127.0.0.1', port: 40999 }),
    log,
  });
  const win = new (class {
    readonly id = 9000 + FakeContents.nextId++;
    readonly webContents = new FakeContents();
    readonly contentView = { addChildView() {}, removeChildView() {} };
    isDestroyed() {
      return false;
    }
    once() {}
  })();
  views.show(win as never, 'python', { x: 0, y: 0, width: 100, height: 100 });
  const view = constructed.at(-1)!;
  return { views, view };
}

beforeEach(() => {
  constructed.length = 0;
});

describe('web preferences of every ClassLab page, as constructed', () => {
  it('the app window: isolated, sandboxed, no Node anywhere, no webview, no auxclick, and the preload', () => {
    new AppWindows({ paths, guard, devTools: false, onPageReplaced: () => {}, log }).create();
    const [win] = constructed;
    expect(win?.kind).toBe('window');
    expect(win?.options.webPreferences).toEqual({ ...LOCKED, preload: '/app/preload.cjs', devTools: false });
  });

  it("a notebook view: the same lock, no preload at all, its lab's own persistent session", () => {
    const { view } = openNotebook();
    expect(view.kind).toBe('view');
    expect(view.options.webPreferences).toEqual({ ...LOCKED, partition: 'persist:lab-python', devTools: false });
    expect(view.options.webPreferences).not.toHaveProperty('preload');
  });
});

describe("a notebook view's session", () => {
  it('is confined (WebRTC proxied only, the refusing proxy, old connections closed) before the page loads', async () => {
    const { view } = openNotebook();
    const contents = view.contents;
    await vi.waitFor(() => expect(contents.loaded).toHaveLength(1));
    expect(contents.calls).toEqual(['webrtc:disable_non_proxied_udp', 'setProxy', 'closeAllConnections', 'loadURL']);
    expect(contents.session.proxy).toEqual({ mode: 'fixed_servers', proxyRules: 'http://127.0.0.1:40999', proxyBypassRules: '<-loopback>,127.0.0.1:41234' });
    expect(contents.loaded[0]).toBe('http://127.0.0.1:41234/?token=secret');
  });

  it("cancels requests to anything but the lab's origin, read live", () => {
    const { view, views } = openNotebook();
    const filter = view.contents.session.beforeRequest!;
    const decide = (url: string): boolean => {
      let cancel = true;
      filter({ url, resourceType: 'xhr' }, (r) => (cancel = r.cancel));
      return cancel;
    };
    expect(decide('http://127.0.0.1:41234/api/contents')).toBe(false);
    expect(decide('ws://127.0.0.1:41234/api/kernels/k/channels')).toBe(false);
    expect(decide('http://127.0.0.1:41235/')).toBe(true);
    expect(decide('https://example.org/')).toBe(true);
    expect(decide('file:///etc/passwd')).toBe(true);
    // The lab stopped: its view is gone, and the session it leaves behind (persistent) reaches nothing.
    views.closeLab('python');
    expect(decide('http://127.0.0.1:41234/api/contents')).toBe(true);
  });
});
