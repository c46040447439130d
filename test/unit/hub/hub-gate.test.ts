// The hub gate against a stand-in hub (a plain HTTP server on loopback that records what it was sent and
// answers as a hostile hub would): what reaches the hub, what reaches the page, what is refused.
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubGate } from '../../../electron/core/hub/hub-gate';

const TOKEN = 'test-token-0123456789';
let hub: http.Server;
let hubUrl = '';
let seen: http.IncomingHttpHeaders[] = [];
/** The paths the stand-in hub was asked for. */
let seenUrls: string[] = [];
let gate: HubGate;

beforeAll(async () => {
  hub = http.createServer((req, res) => {
    seen.push(req.headers);
    seenUrls.push(req.url ?? '');
    if (req.url?.endsWith('/login')) {
      res.writeHead(302, { location: '/hub/login?next=x' });
      res.end();
      return;
    }
    if (req.url?.endsWith('/inside')) {
      res.writeHead(302, { location: `${hubUrl}user/ana/lab` });
      res.end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html',
      'content-security-policy': "frame-ancestors 'none'",
      'access-control-allow-origin': '*',
      'report-to': '{"url":"https://evil.example"}',
      link: '<https://evil.example>; rel=preconnect',
      'set-cookie': ['jupyterhub-session=abc; Path=/', '_xsrf=2|x; Path=/user/ana/; Secure'],
    });
    res.end('page');
  });
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', () => r()));
  hubUrl = `http://127.0.0.1:${(hub.address() as net.AddressInfo).port}/`;
  gate = new HubGate({ hubUrl, owner: 'ana', token: () => TOKEN, log: { info: () => {}, warn: () => {}, error: () => {} } });
  await gate.start();
});
afterAll(async () => {
  await gate.close();
  await new Promise<void>((r) => hub.close(() => r()));
});

/** The gate's key, from the page address it gives (every request must carry it). */
const key = () => new URL(gate.pageUrl()).searchParams.get('token')!;
/** A request that carries the gate's key in its cookie, as the page's requests after its first load do. */
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${gate.origin}${path}`, { headers: { Cookie: `classlab-hub-key=${key()}`, ...headers }, redirect: 'manual' });
/** A request with exactly these headers (fetch sets Host and its own Sec-Fetch-Mode). */
const raw = (path: string, headers: Record<string, string>) =>
  new Promise<number>((resolve, reject) =>
    http
      .get(`${gate.origin}${path}`, { headers }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      })
      .on('error', reject),
  );

describe('the hub gate', () => {
  it("adds the token, drops the page's credentials, and gives the page ClassLab's headers", async () => {
    seen = [];
    const res = await get('/user/ana/lab', {
      Cookie: `other-lab=1; classlab-hub-key=${key()}`,
      Authorization: 'token page-made',
      Origin: gate.origin,
      'Sec-Fetch-Site': 'same-origin',
    });
    expect(res.status).toBe(200);
    expect(seen[0]?.authorization).toBe(`token ${TOKEN}`);
    expect(seen[0]?.cookie).toBeUndefined();
    expect(seen[0]?.origin).toBe(new URL(hubUrl).origin);
    expect(seen[0]?.host).toBe(new URL(hubUrl).host);
    expect(res.headers.get('content-security-policy')).toMatch(
      /^default-src 'self';.*connect-src 'self';.*frame-ancestors 'self' http:\/\/127\.0\.0\.1:\* http:\/\/localhost:\*$/,
    );
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('report-to')).toBeNull();
    expect(res.headers.get('link')).toBeNull();
    expect(res.headers.getSetCookie()).toEqual(['_xsrf=2|x; Path=/user/ana/; SameSite=Strict']);
  });

  it("refuses anything but the owner's own server, and other pages", async () => {
    seen = [];
    for (const p of [
      '/hub/api/user',
      '/user/bob/api/status',
      '/user/ana/../../hub/api/user',
      '/user/ana/%2e%2e/hub/api',
      '/user/ana/a%2fb',
      '/user/ana\\..\\hub',
      '/user/anabel/',
    ])
      expect((await get(p)).status, p).toBe(403);
    expect((await get('/user/ana/api/status', { Origin: 'http://127.0.0.1:1' })).status).toBe(403);
    expect((await get('/user/ana/api/status', { Origin: 'null' })).status).toBe(403);
    // A DNS-rebinding page's request arrives with another Host.
    expect(await raw('/user/ana/api/status', { Host: 'evil.example' })).toBe(403);
    expect((await get('/user/ana/api/status', { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'script' })).status).toBe(403);
    expect((await get('/user/ana/sw.js', { 'Service-Worker': 'script' })).status).toBe(403);
    // A navigation into the frame from the bridge's page passes.
    expect(await raw(`/user/ana/lab?token=${key()}`, { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'iframe' })).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it("lets in only requests that carry the gate's key, and never shows the key to the hub", async () => {
    seen = [];
    seenUrls = [];
    // Any process on this computer can reach 127.0.0.1: without the key, the gate adds no token for it.
    const bare = await fetch(`${gate.origin}/user/ana/api/status`);
    expect(bare.status).toBe(403);
    expect(await bare.text()).toMatch(/does not carry this lab's key/);
    expect((await fetch(`${gate.origin}/user/ana/api/status`, { headers: { Cookie: 'classlab-hub-key=guessed' } })).status).toBe(403);
    expect((await fetch(`${gate.origin}/user/ana/api/status?token=${TOKEN}`)).status).toBe(403);
    expect(seen).toHaveLength(0);
    // The page's address carries it; the answer sets it as a cookie scripts cannot read; the hub sees neither.
    const first = await fetch(gate.pageUrl('lab'), { redirect: 'manual' });
    expect(first.status).toBe(200);
    expect(first.headers.getSetCookie()).toContain(`classlab-hub-key=${key()}; Path=/user/ana/; HttpOnly; SameSite=Strict`);
    expect((await fetch(`${gate.origin}/user/ana/api/status?x=1&token=${key()}`, { redirect: 'manual' })).status).toBe(200);
    expect((await fetch(`${gate.origin}/user/ana/api/status`, { headers: { Authorization: `token ${key()}` } })).status).toBe(200);
    expect(seen).toHaveLength(3);
    expect(seenUrls).toEqual(['/user/ana/lab', '/user/ana/api/status?x=1', '/user/ana/api/status']);
    for (const h of seen) {
      expect(JSON.stringify(h)).not.toContain(key());
      expect(h.authorization).toBe(`token ${TOKEN}`);
    }
  });

  it("keeps redirects inside the owner's server and refuses the hub's sign-in", async () => {
    const inside = await get('/user/ana/inside');
    expect(inside.status).toBe(302);
    expect(inside.headers.get('location')).toBe('/user/ana/lab');
    const login = await get('/user/ana/login');
    expect(login.status).toBe(502);
    expect(await login.text()).toMatch(/sign-in page: the token is no longer accepted/);
  });

  it('says so when the hub does not answer', async () => {
    const dead = new HubGate({ hubUrl: 'http://127.0.0.1:9/', owner: 'ana', token: () => TOKEN, log: { info: () => {}, warn: () => {}, error: () => {} } });
    const origin = await dead.start();
    try {
      expect(origin).toBe(new URL(dead.pageUrl()).origin);
      const res = await fetch(dead.pageUrl());
      expect(res.status).toBe(502);
      expect(await res.text()).toMatch(/the hub does not answer/);
    } finally {
      await dead.close();
    }
  });
});
