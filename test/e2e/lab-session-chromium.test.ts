// The network settings of a lab's Electron session (electron/shell/request-policy.ts: the refusing proxy
// with only the lab's origin bypassed, WebRTC limited to proxied connections), measured in Chromium's own
// network stack: Debian's Chromium started with the same settings as switches. There is no Electron binary
// here; Electron's session.setProxy and setWebRTCIPHandlingPolicy hand these very settings to the same
// Chromium code. A page on the "lab's origin" tries WebRTC (STUN over UDP, TURN over TCP), a preconnect, a
// frame and a fetch to another loopback port: with the settings nothing reaches the listeners; without
// them (the control) the same page does.
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRefusingProxy, type RefusingProxy } from '../../electron/shell/refusing-proxy';
import { LAB_WEBRTC_POLICY, labProxyConfig } from '../../electron/shell/request-policy';
import { CHROMIUM } from '../support/serve';

const reached = { tcp: 0, udp: 0 };
let tcp: http.Server;
let udp: dgram.Socket;
let lab: http.Server;
let proxy: RefusingProxy;
let labOrigin = '';

function hostilePage(tcpPort: number, udpPort: number): string {
  return `<!doctype html><title>lab</title>
<iframe src="http://127.0.0.1:${tcpPort}/frame"></iframe>
<link rel="preconnect" href="http://127.0.0.1:${tcpPort}/">
<script>
fetch('/own').then((r) => r.text()).then((t) => (document.body.dataset.own = t), () => (document.body.dataset.own = 'failed'));
fetch('http://127.0.0.1:${tcpPort}/fetch', { mode: 'no-cors' }).catch(() => {});
const pc = new RTCPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1:${udpPort}' }, { urls: 'turn:127.0.0.1:${tcpPort}?transport=tcp', username: 'u', credential: 'c' }] });
pc.createDataChannel('x');
const candidates = [];
pc.onicecandidate = (e) => { if (e.candidate) candidates.push(e.candidate.type); };
setInterval(() => (document.body.dataset.candidates = candidates.join(' ') || 'none'), 200);
pc.createOffer().then((o) => pc.setLocalDescription(o));
</script>`;
}

beforeAll(async () => {
  tcp = http.createServer((_req, res) => res.end('reached'));
  tcp.on('connection', () => (reached.tcp += 1));
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  udp = dgram.createSocket('udp4');
  udp.on('message', () => (reached.udp += 1));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  const page = hostilePage((tcp.address() as AddressInfo).port, udp.address().port);
  lab = http.createServer((req, res) => res.end(req.url === '/own' ? 'own origin' : page));
  await new Promise<void>((r) => lab.listen(0, '127.0.0.1', r));
  labOrigin = `http://127.0.0.1:${(lab.address() as AddressInfo).port}`;
  proxy = await startRefusingProxy();
});

afterAll(async () => {
  await proxy?.close();
  for (const s of [tcp, lab]) await new Promise<void>((r) => s.close(() => r()));
  udp.close();
});

async function visit(args: string[]): Promise<{ own?: string; candidates?: string; reached: typeof reached }> {
  reached.tcp = 0;
  reached.udp = 0;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', ...args],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${labOrigin}/`);
    const body = (): { own?: string; candidates?: string } =>
      (globalThis as unknown as { document: { body: { dataset: { own?: string; candidates?: string } } } }).document.body.dataset;
    await page.waitForFunction(`document.body.dataset.own && document.body.dataset.candidates`, undefined, { timeout: 30_000 });
    // ICE gathering, STUN retries and the TURN attempt get time (a TURN server that never answers keeps
    // gathering open, so no end-of-candidates is awaited).
    await page.waitForTimeout(5000);
    const data = await page.evaluate(body);
    return { ...data, reached: { ...reached } };
  } finally {
    await browser.close();
  }
}

describe("a lab session's network settings, in Chromium's network stack", () => {
  it('control: without them the page reaches a listener on another loopback port over TCP and UDP', async () => {
    const r = await visit([]);
    expect(r.own).toBe('own origin');
    expect(r.reached.tcp).toBeGreaterThan(0);
    expect(r.reached.udp).toBeGreaterThan(0);
  }, 60_000);

  it("with them only the lab's own origin answers: no TCP, no UDP, no ICE candidate reaches anything", async () => {
    const config = labProxyConfig(labOrigin, proxy);
    const r = await visit([
      `--proxy-server=${config.proxyRules}`,
      `--proxy-bypass-list=${config.proxyBypassRules}`,
      `--webrtc-ip-handling-policy=${LAB_WEBRTC_POLICY}`,
    ]);
    expect(r.own).toBe('own origin');
    expect(r.reached).toEqual({ tcp: 0, udp: 0 });
    expect(r.candidates).toBe('none');
  }, 60_000);
});
