import { describe, expect, it } from 'vitest';
import { APP_CSP, isRendererFile, withAppCsp } from '../../../electron/shell/csp';
import { toViewBounds } from '../../../electron/shell/view-bounds';

const DIR = 'file:///opt/Class%20Lab/dist/renderer/';

describe('the app CSP', () => {
  it('allows only the app’s own scripts and no network, frames, plugins or eval', () => {
    const directives = new Map(APP_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    // Only uploads to ClassLab's own transfer scheme (shell/transfer-protocol.ts).
    expect(directives.get('connect-src')).toEqual(['classlab-files:']);
    expect(directives.get('frame-src')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(APP_CSP).not.toContain('unsafe-eval');
  });

  it('replaces whatever CSP a response had, whatever its letter case, and keeps other headers', () => {
    const out = withAppCsp({ 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] });
    expect(out).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [APP_CSP] });
    expect(withAppCsp(undefined)).toEqual({ 'Content-Security-Policy': [APP_CSP] });
  });

  it('applies to the renderer folder only', () => {
    expect(isRendererFile('file:///opt/Class Lab/dist/renderer/index.html', DIR)).toBe(true);
    expect(isRendererFile('file:///opt/Class%20Lab/dist/renderer/assets/a.js', DIR)).toBe(true);
    expect(isRendererFile('file:///opt/Class%20Lab/dist/renderer-evil/index.html', DIR)).toBe(false);
    expect(isRendererFile('http://127.0.0.1:8888/dist/renderer/index.html', DIR)).toBe(false);
  });
});

describe('notebook view bounds', () => {
  it('are the CSS rectangle at zoom 1, scaled and rounded when the page is zoomed', () => {
    const rect = { x: 0, y: 56, width: 1280, height: 700 };
    expect(toViewBounds(rect, 1)).toEqual(rect);
    expect(toViewBounds(rect, 1.25)).toEqual({ x: 0, y: 70, width: 1600, height: 875 });
    expect(toViewBounds({ x: 3, y: 3, width: 3, height: 3 }, 0.9)).toEqual({ x: 3, y: 3, width: 3, height: 3 });
    expect(toViewBounds(rect, Number.NaN)).toEqual(rect);
  });
});
