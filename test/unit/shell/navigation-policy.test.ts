import { describe, expect, it } from 'vitest';
import { classifyNavigation, isAppPage, webOrigin, type NavigationKind, type Surface } from '../../../electron/shell/navigation-policy';
import { safeForLog } from '../../../electron/shell/navigation-guard';

const PAGE = 'file:///opt/ClassLab/dist/renderer/index.html';
const app: Surface = { kind: 'app', pageUrl: PAGE };
const NB = 'http://127.0.0.1:49153';
const notebook: Surface = { kind: 'notebook', origin: NB };
const verdict = (url: string, surface: Surface, kind: NavigationKind) => classifyNavigation(url, { surface, kind });

describe('the app page', () => {
  it('may reload itself, with or without a query or fragment', () => {
    expect(verdict(PAGE, app, 'navigate')).toBe('allow');
    expect(verdict(`${PAGE}#/labs/python`, app, 'navigate')).toBe('allow');
    expect(verdict(`${PAGE}?x=1`, app, 'redirect')).toBe('allow');
  });

  it('may not load any other local file, which would run with the preload', () => {
    expect(verdict('file:///opt/ClassLab/dist/renderer/other.html', app, 'navigate')).toBe('deny');
    expect(verdict('file:///etc/passwd', app, 'navigate')).toBe('deny');
    expect(verdict('file:///opt/ClassLab/dist/renderer/index.html.evil', app, 'navigate')).toBe('deny');
    expect(verdict('file://otherhost/opt/ClassLab/dist/renderer/index.html', app, 'navigate')).toBe('deny');
  });

  it('sends web and mail links to the system, never in the window', () => {
    expect(verdict('https://jupyter.org/', app, 'navigate')).toBe('open-external');
    expect(verdict('https://docs.docker.com/', app, 'window-open')).toBe('open-external');
    expect(verdict('mailto:teacher@example.org', app, 'window-open')).toBe('open-external');
    // The notebook itself is never loaded into the privileged window.
    expect(verdict(`${NB}/tree`, app, 'navigate')).toBe('open-external');
  });

  it('refuses other schemes, redirects away and frames', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'chrome://settings', 'smb://server/share', 'vscode://x', 'about:blank']) {
      expect(verdict(url, app, 'navigate')).toBe('deny');
      expect(verdict(url, app, 'window-open')).toBe('deny');
    }
    expect(verdict('https://evil.example/', app, 'redirect')).toBe('deny');
    expect(verdict(PAGE, app, 'subframe')).toBe('deny');
    expect(verdict(`${NB}/tree`, app, 'subframe')).toBe('deny');
  });

  it('never opens a second window of the app page', () => {
    expect(verdict(PAGE, app, 'window-open')).toBe('deny');
  });
});

describe('a notebook view', () => {
  it('stays on its own origin (window.open of its own pages loads in the same view)', () => {
    for (const kind of ['navigate', 'redirect', 'subframe', 'window-open'] as const) {
      expect(verdict(`${NB}/notebooks/Untitled.ipynb?kernel_name=python3`, notebook, kind)).toBe('allow');
    }
  });

  it('does not treat another port, host or scheme as its origin', () => {
    expect(verdict('http://127.0.0.1:49154/tree', notebook, 'redirect')).toBe('deny');
    expect(verdict('http://localhost:49153/tree', notebook, 'redirect')).toBe('deny');
    expect(verdict('https://127.0.0.1:49153/tree', notebook, 'redirect')).toBe('deny');
    expect(verdict('http://127.0.0.1:49154/tree', notebook, 'navigate')).toBe('open-external');
  });

  it('opens links out of the notebook in the system browser, but never because of a redirect or a frame', () => {
    expect(verdict('https://numpy.org/doc/', notebook, 'navigate')).toBe('open-external');
    expect(verdict('https://numpy.org/doc/', notebook, 'window-open')).toBe('open-external');
    expect(verdict('https://login.example/', notebook, 'redirect')).toBe('deny');
    expect(verdict('https://www.youtube.com/embed/x', notebook, 'subframe')).toBe('deny');
  });

  it('lets outputs use inline frames but not local files or scripts', () => {
    expect(verdict('about:blank', notebook, 'subframe')).toBe('allow');
    expect(verdict('about:srcdoc', notebook, 'subframe')).toBe('allow');
    expect(verdict('data:text/html,<p>plot</p>', notebook, 'subframe')).toBe('allow');
    expect(verdict('file:///home/student/.ssh/id_rsa', notebook, 'subframe')).toBe('deny');
    expect(verdict('javascript:alert(1)', notebook, 'navigate')).toBe('deny');
    expect(verdict('file:///etc/passwd', notebook, 'window-open')).toBe('deny');
    expect(verdict(PAGE, notebook, 'navigate')).toBe('deny');
  });

  it('refuses a placeholder window (window.open() with no URL)', () => {
    expect(verdict('about:blank', notebook, 'window-open')).toBe('deny');
    expect(verdict(`blob:${NB}/0b6f`, notebook, 'window-open')).toBe('deny');
  });
});

describe('an unclaimed webContents and bad input', () => {
  it('is refused everything', () => {
    for (const kind of ['navigate', 'redirect', 'subframe', 'window-open'] as const) {
      expect(verdict('https://example.org/', null, kind)).toBe('deny');
      expect(verdict(PAGE, null, kind)).toBe('deny');
    }
  });

  it('refuses what cannot be parsed', () => {
    expect(verdict('not a url', app, 'navigate')).toBe('deny');
    expect(verdict('', notebook, 'navigate')).toBe('deny');
  });
});

describe('helpers', () => {
  it('isAppPage compares decoded paths, so percent-encoding differences do not matter', () => {
    const spaced = 'file:///home/a%20b/ClassLab/dist/renderer/index.html';
    expect(isAppPage('file:///home/a b/ClassLab/dist/renderer/index.html', spaced)).toBe(true);
    expect(isAppPage('http://127.0.0.1/dist/renderer/index.html', PAGE)).toBe(false);
  });

  it('webOrigin is only for http(s)', () => {
    expect(webOrigin(`${NB}/tree?token=abc`)).toBe(NB);
    expect(webOrigin(`blob:${NB}/x`)).toBeNull();
    expect(webOrigin('file:///x')).toBeNull();
  });

  it('safeForLog drops the query, where a notebook token lives', () => {
    expect(safeForLog(`${NB}/tree?token=s3cret#x`)).toBe(`${NB}/tree`);
    expect(safeForLog('data:text/html,secret')).toBe('data:…');
  });
});
