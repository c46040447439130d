import { describe, expect, it } from 'vitest';
import { isLabRequestAllowed, labProxyConfig } from '../../../electron/shell/request-policy';

const LAB = 'http://127.0.0.1:41234';
const allowed = (url: string, origin: string | null = LAB, devTools = false) => isLabRequestAllowed(url, origin, { devTools });

describe("a lab page's requests", () => {
  it("reach the lab's own origin, over http: and its WebSocket", () => {
    expect(allowed('http://127.0.0.1:41234/')).toBe(true);
    expect(allowed('http://127.0.0.1:41234/api/contents?content=1')).toBe(true);
    expect(allowed('ws://127.0.0.1:41234/api/kernels/k/channels?session_id=s')).toBe(true);
  });

  it('reach nothing else: another port, localhost for 127.0.0.1, https, wss, other hosts and the LAN', () => {
    for (const url of [
      'http://127.0.0.1:41235/',
      'http://127.0.0.1/',
      'http://localhost:41234/',
      'https://127.0.0.1:41234/',
      'wss://127.0.0.1:41234/',
      'http://127.0.0.1.evil.example:41234/',
      'http://192.168.1.1/',
      'http://[::1]:41234/',
      'https://example.org/',
      'ftp://127.0.0.1:41234/',
    ]) {
      expect(allowed(url), url).toBe(false);
    }
  });

  it('may use data: and its own blob: URLs, never another origin’s blobs, files or custom schemes', () => {
    expect(allowed('data:image/png;base64,AAAA')).toBe(true);
    expect(allowed('blob:http://127.0.0.1:41234/5f1c-4a')).toBe(true);
    expect(allowed('blob:http://127.0.0.1:9999/5f1c-4a')).toBe(false);
    expect(allowed('file:///etc/passwd')).toBe(false);
    expect(allowed('classlab-files://transfer/x')).toBe(false);
    expect(allowed('chrome-extension://abc/x.js')).toBe(false);
    expect(allowed('not a url')).toBe(false);
  });

  it('devtools: only with developer tools on', () => {
    expect(allowed('devtools://devtools/bundled/devtools_app.html')).toBe(false);
    expect(allowed('devtools://devtools/bundled/devtools_app.html', LAB, true)).toBe(true);
  });

  it('reach nothing at all without a lab origin (the view is gone) or with a malformed one', () => {
    expect(allowed('http://127.0.0.1:41234/', null)).toBe(false);
    expect(allowed('data:text/plain,x', null)).toBe(false);
    expect(allowed('http://127.0.0.1:41234/', 'garbage')).toBe(false);
    expect(allowed('https://127.0.0.1:41234/', 'https://127.0.0.1:41234')).toBe(false);
  });
});

describe("a lab session's proxy", () => {
  it('sends everything to the refusing proxy but the lab itself, without the implicit loopback bypass', () => {
    expect(labProxyConfig(LAB, { host: '127.0.0.1', port: 40999 })).toEqual({
      mode: 'fixed_servers',
      proxyRules: 'http://127.0.0.1:40999',
      proxyBypassRules: '<-loopback>,127.0.0.1:41234',
    });
  });

  it('refuses an origin without a port or over another scheme', () => {
    expect(() => labProxyConfig('http://127.0.0.1', { host: '127.0.0.1', port: 1 })).toThrow();
    expect(() => labProxyConfig('https://127.0.0.1:41234', { host: '127.0.0.1', port: 1 })).toThrow();
  });
});
