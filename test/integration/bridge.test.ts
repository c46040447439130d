// The browser bridge: loopback only, the token first, its own Origin only, every message checked, and
// no subscription outliving its socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import type { MethodName, Reply } from '../../electron/api/contract';
import type { ClassLabCore, CoreService } from '../../electron/core/types';
import { removeNamespace, testCore, uniqueNamespace } from '../support/docker';
import { unservedMethods } from '../support/served';

const ns = uniqueNamespace();
let core: Awaited<ReturnType<typeof testCore>>;
let bridge: Bridge;
const staticDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-static-'));

beforeAll(async () => {
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>ClassLab</title>');
  mkdirSync(path.join(staticDir, 'assets'));
  writeFileSync(path.join(os.tmpdir(), 'classlab-secret.txt'), 'outside');
  core = await testCore(ns);
  bridge = await startBridge({ core, staticDir, port: 0, log: core.log });
});
afterAll(async () => {
  await bridge?.close();
  await core?.close();
  await removeNamespace(ns);
});

function connect(origin = `http://127.0.0.1:${bridge.port}`): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${bridge.port}/api`, { origin });
}
function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.on('close', (code) => resolve(code)));
}
function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()) as Record<string, unknown>)));
}
async function authed(): Promise<WebSocket> {
  const ws = connect();
  await new Promise((r) => ws.on('open', r));
  const welcome = nextMessage(ws);
  ws.send(JSON.stringify({ type: 'hello', token: bridge.token }));
  expect(await welcome).toEqual({ type: 'welcome' });
  return ws;
}
let nextId = 1000;
/** One call over the socket: its reply, matched by id. */
function invoke(ws: WebSocket, channel: MethodName, args: unknown[]): Promise<Reply> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (d: WebSocket.RawData) => {
      const msg = JSON.parse(d.toString()) as { type: string; id?: number; reply?: Reply };
      if (msg.type !== 'reply' || msg.id !== id) return;
      ws.off('message', onMessage);
      resolve(msg.reply!);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'invoke', id, channel, args }));
  });
}
function get(pathname: string, host = `127.0.0.1:${bridge.port}`): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: bridge.port, path: pathname, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('bridge', () => {
  it('listens on 127.0.0.1 and puts the token in the fragment only', () => {
    expect(bridge.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${bridge.port}/#token=[A-Za-z0-9_-]{20,}$`));
  });

  it('serves the UI with a CSP and refuses paths that leave its folder and foreign Host headers', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await get('/../classlab-secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/classlab-secret.txt')).status).toBe(404);
    expect((await get('/', `evil.example:${bridge.port}`)).status).toBe(403);
  });

  it('refuses a WebSocket from another origin', async () => {
    const ws = connect('http://evil.example');
    const err = await new Promise<Error>((resolve) => ws.on('error', resolve));
    expect(err.message).toMatch(/403/);
  });

  it('closes a socket that sends a wrong token or anything before the token', async () => {
    const wrong = connect();
    await new Promise((r) => wrong.on('open', r));
    const code = closeCode(wrong);
    wrong.send(JSON.stringify({ type: 'hello', token: 'nope' }));
    expect(await code).toBe(4401);

    const early = connect();
    await new Promise((r) => early.on('open', r));
    const code2 = closeCode(early);
    early.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'labs:list', args: [] }));
    expect(await code2).toBe(4401);
  });

  it('answers calls, refuses bad arguments with BAD_REQUEST, and closes on malformed messages', async () => {
    const ws = await authed();
    let reply = nextMessage(ws);
    ws.send(JSON.stringify({ type: 'invoke', id: 7, channel: 'labs:list', args: [] }));
    const list = (await reply) as { id: number; reply: { ok: boolean; value: { labs: { id: string }[] } } };
    expect(list.id).toBe(7);
    expect(list.reply.ok).toBe(true);
    expect(list.reply.value.labs.map((l) => l.id)).toContain('python');

    reply = nextMessage(ws);
    ws.send(JSON.stringify({ type: 'invoke', id: 8, channel: 'labs:open', args: ['../../etc'] }));
    expect(((await reply) as { reply: { error: { code: string } } }).reply.error.code).toBe('BAD_REQUEST');

    reply = nextMessage(ws);
    ws.send(JSON.stringify({ type: 'invoke', id: 9, channel: 'constructor', args: [] }));
    expect(((await reply) as { reply: { error: { code: string } } }).reply.error.code).toBe('BAD_REQUEST');

    const code = closeCode(ws);
    ws.send('{not json');
    expect(await code).toBe(4400);
  });

  it('leaves no subscription behind when a socket goes away', async () => {
    const ws = await authed();
    ws.send(JSON.stringify({ type: 'subscribe', event: 'labs:changed' }));
    ws.send(JSON.stringify({ type: 'subscribe', event: 'engine:changed' }));
    await expect.poll(() => bridge.stats().subscriptions).toBe(2);
    ws.close();
    await expect.poll(() => bridge.stats()).toEqual({ clients: 0, subscriptions: 0 });
  });

  it('serves every method of the contract table, with the real core', async () => {
    const ws = await authed();
    expect(await unservedMethods((channel, args) => invoke(ws, channel, args))).toEqual([]);
    ws.close();
  });

  it('answers NOT_SUPPORTED for a method of the table the core has no handler for (what the test above finds)', async () => {
    // The same real core, seen through an object whose service lacks one handler.
    const service: Partial<CoreService> = { ...core.service };
    delete service['files:importUrl'];
    const lacking = Object.create(core, { service: { value: service } }) as ClassLabCore;
    const other = await startBridge({ core: lacking, staticDir, port: 0, log: core.log });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${other.port}/api`, { origin: `http://127.0.0.1:${other.port}` });
      await new Promise((r) => ws.on('open', r));
      const welcome = nextMessage(ws);
      ws.send(JSON.stringify({ type: 'hello', token: other.token }));
      expect(await welcome).toEqual({ type: 'welcome' });
      expect(await unservedMethods((channel, args) => invoke(ws, channel, args))).toEqual([
        { channel: 'files:importUrl', reply: { ok: false, error: { code: 'NOT_SUPPORTED', message: 'files:importUrl has no handler in this ClassLab' } } },
      ]);
      ws.close();
    } finally {
      await other.close();
    }
  });
});
