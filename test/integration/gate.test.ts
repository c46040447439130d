// The gate in front of a real python lab, on the real engine: ClassLab's headers on Jupyter's answers,
// cookies made HttpOnly and SameSite=Strict, refusals of other origins, hosts and pages (HTTP and
// WebSocket) while the lab's own page keeps working; the notebook server's own second lock (no CORS, not
// even for http://localhost.evil.example); and the Sandbox check's lines 14 and 15, which replace the
// notebook server with a student's own.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AttackResult } from '../../electron/core/audit';
import { headerValues, probeGate, probeUpgrade } from '../../electron/core/audit/gate-probe';
import { judgeLabCookies, judgePagePolicy } from '../../electron/core/audit/page-policy';
import { labNames } from '../../electron/core/labs/naming';
import { loadCatalog } from '../../electron/core/profiles/catalog';
import { docker, ensureImages, execIn, memoryLogger, removeNamespace, REPO, testCore, testPolicy, trustedGateImage, uniqueNamespace } from '../support/docker';

const ns = uniqueNamespace('clgate');
let core: Awaited<ReturnType<typeof testCore>>;
let port = 0;
let token = '';
/** The login cookie and _xsrf, as a browser would send them back after opening the notebook. */
let cookie = '';
let xsrf = '';

const own = (): Record<string, string> => ({ Origin: `http://127.0.0.1:${port}` });

beforeAll(async () => {
  core = await testCore(ns);
  await ensureImages(core);
  const view = await core.service['labs:open']('python');
  const url = new URL(view.notebookUrl!);
  port = Number(url.port);
  token = url.searchParams.get('token')!;
}, 900_000);

afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
}, 180_000);

describe("the gate in front of Jupyter's answers", () => {
  it('logs in with the token: the login cookie HttpOnly and SameSite=Strict, _xsrf SameSite=Strict and readable', async () => {
    // The address ClassLab opens (/?token=…) redirects to /lab?token=…, which sets both cookies.
    const start = await probeGate(port, { path: `/?token=${token}` });
    expect(start.status).toBe(302);
    expect(start.headers.location).toBe(`/lab?token=${token}`);
    const login = await probeGate(port, { path: start.headers.location! });
    expect(login.status).toBe(200);
    const page = await probeGate(port, { path: '/lab', headers: { Cookie: cookiePairs(login) } });
    expect(page.status).toBe(200);
    const setCookies = [...headerValues(login, 'set-cookie'), ...headerValues(page, 'set-cookie')];
    const names = setCookies.map((c) => c.split('=')[0]);
    expect(names).toContain(`username-127-0-0-1-${port}`);
    expect(names).toContain('_xsrf');
    expect(judgeLabCookies(setCookies)).toEqual({ ok: true, problems: [] });
    expect(setCookies.find((c) => c.startsWith('_xsrf='))).not.toMatch(/httponly/i);
    cookie = [cookiePairs(login), cookiePairs(page)].filter(Boolean).join('; ');
    xsrf = /_xsrf=([^;]+)/.exec(cookie)?.[1] ?? '';
    expect(xsrf).not.toBe('');
  });

  it("puts ClassLab's headers on every answer: pages, API, redirects, refusals and gate errors", async () => {
    const answers = [
      await probeGate(port, { path: '/lab', headers: { Cookie: cookie } }),
      await probeGate(port, { path: '/api/status', headers: { Authorization: `token ${token}` } }),
      await probeGate(port, { path: '/' }),
      await probeGate(port, { path: '/lab', headers: { Origin: 'http://localhost.evil.example' } }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 302, 403]);
    for (const a of answers) {
      expect(judgePagePolicy(headerValues(a, 'content-security-policy'))).toEqual({ ok: true, problems: [] });
      expect(headerValues(a, 'referrer-policy')).toEqual(['same-origin']);
      expect(headerValues(a, 'x-content-type-options')).toEqual(['nosniff']);
      expect(headerValues(a, 'x-dns-prefetch-control')).toEqual(['off']);
      expect(headerValues(a, 'cross-origin-resource-policy')).toEqual(['same-origin']);
      expect(headerValues(a, 'access-control-allow-origin')).toEqual([]);
    }
  });

  it("refuses other origins, hosts and pages at the gate, with Jupyter's login cookie in hand", async () => {
    const refused: Record<string, string>[] = [
      { Origin: 'http://localhost.evil.example' },
      { Origin: 'null' },
      { Origin: 'http://127.0.0.1:1' },
      { Origin: `http://localhost:${port}` },
      { Origin: `https://127.0.0.1:${port}` },
      { Host: 'evil.example' },
      { Host: `evil.example:${port}` },
      { Host: `127.0.0.1.evil.example:${port}` },
      { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'script' },
      { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Dest': 'empty' },
      { 'Service-Worker': 'script', 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'same-origin', 'Sec-Fetch-Dest': 'serviceworker' },
    ];
    for (const headers of refused) {
      const a = await probeGate(port, { path: '/api/contents', headers: { Cookie: cookie, ...headers } });
      expect({ headers, status: a.status, body: a.body.slice(0, 30) }).toEqual({ headers, status: 403, body: "ClassLab's gate refused this r" });
    }
    // A preflight from elsewhere gets no CORS answer either.
    const preflight = await probeGate(port, {
      method: 'OPTIONS',
      path: '/api/contents',
      headers: { Origin: 'http://localhost.evil.example', 'Access-Control-Request-Method': 'PUT' },
    });
    expect(preflight.status).toBe(403);
    expect(headerValues(preflight, 'access-control-allow-origin')).toEqual([]);
  });

  it("lets the lab's own page through: its API calls, a navigation from ClassLab's frame, and its kernel's WebSocket", async () => {
    const api = await probeGate(port, {
      path: '/api/contents',
      headers: { Cookie: cookie, 'X-XSRFToken': xsrf, ...own(), 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Dest': 'empty' },
    });
    expect(api.status).toBe(200);
    const framed = await probeGate(port, {
      path: '/lab',
      headers: { Cookie: cookie, 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'iframe' },
    });
    expect(framed.status).toBe(200);

    const kernel = await fetch(`http://127.0.0.1:${port}/api/kernels`, {
      method: 'POST',
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(kernel.status).toBe(201);
    const { id } = (await kernel.json()) as { id: string };
    const channels = `/api/kernels/${id}/channels?token=${token}`;
    expect((await probeUpgrade(port, channels, own())).status).toBe(101);
    for (const origin of ['http://localhost.evil.example', 'null', 'http://127.0.0.1:1']) {
      const refused = await probeUpgrade(port, channels, { Origin: origin });
      expect({ origin, status: refused.status }).toEqual({ origin, status: 403 });
      expect(refused.body).toMatch(/^ClassLab's gate refused/);
    }
    await fetch(`http://127.0.0.1:${port}/api/kernels/${id}`, { method: 'DELETE', headers: { Authorization: `token ${token}` } });
  });

  it('keeps Referer for the lab itself (Referrer-Policy same-origin): Jupyter refuses /files/ without one', async () => {
    // What decided same-origin over no-referrer: Jupyter (Notebook 6.4, and Jupyter Server 2 under
    // JupyterLab 4 alike) checks the Referer of GET /files/ (and API GETs without an XSRF header), so with
    // no-referrer every image and download of the workspace fails.
    const put = await fetch(`http://127.0.0.1:${port}/api/contents/gate-check.txt`, {
      method: 'PUT',
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'file', format: 'text', content: 'hello' }),
    });
    expect(put.status).toBeLessThan(300);
    const noReferer = await probeGate(port, { path: '/files/gate-check.txt', headers: { Cookie: cookie } });
    expect(noReferer.status).toBe(403);
    const sameOrigin = await probeGate(port, {
      path: '/files/gate-check.txt',
      headers: { Cookie: cookie, Referer: `http://127.0.0.1:${port}/lab/tree/x.ipynb` },
    });
    expect(sameOrigin.status).toBe(200);
    expect(sameOrigin.body).toBe('hello');
  });
});

describe("the notebook server's own lock (images/python, behind the gate's back)", () => {
  it('answers no other origin: cookie requests from http://localhost.evil.example refused, no CORS header, no foreign Host', async () => {
    const container = labNames(ns, 'python').container;
    // Straight to Jupyter's socket from inside the lab, where the gate cannot help: log in with the token
    // (as a browser would), then ask with the cookie, or the token, from other origins.
    const { out } = await execIn(container, [
      'python3',
      '-c',
      `import http.client, json, socket, sys
class C(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX); self.sock.connect('/run/classlab/notebook.sock')
token, port = sys.argv[1], sys.argv[2]
def ask(path, headers):
    c = C('localhost'); c.request('GET', path, headers={'Host': '127.0.0.1:' + port, **headers}); r = c.getresponse(); r.read(); return r
login = ask('/lab?token=' + token, {})
cookie = '; '.join(v.split(';')[0] for k, v in login.getheaders() if k == 'Set-Cookie')
out = {}
for origin in ['http://localhost.evil.example', 'http://127.0.0.1.evil.example', 'http://127.0.0.1:1', 'http://127.0.0.1:' + port]:
    r = ask('/api/contents', {'Cookie': cookie, 'Origin': origin}); out['cookie ' + origin] = [r.status, r.getheader('Access-Control-Allow-Origin')]
    r = ask('/api/contents', {'Authorization': 'token ' + token, 'Origin': origin}); out['token ' + origin] = [r.status, r.getheader('Access-Control-Allow-Origin')]
out['host'] = ask('/api/contents', {'Authorization': 'token ' + token, 'Host': 'evil.example:' + port}).status
print(json.dumps(out))`,
      token,
      String(port),
    ]);
    const answers = JSON.parse(out) as Record<string, [number, string | null] | number>;
    // The old pattern matched any origin starting with http://localhost: no more.
    expect(answers['cookie http://localhost.evil.example']).toEqual([404, '']);
    expect(answers['cookie http://127.0.0.1.evil.example']).toEqual([404, '']);
    expect(answers['cookie http://127.0.0.1:1']).toEqual([404, '']);
    expect(answers[`cookie http://127.0.0.1:${port}`]).toEqual([200, '']);
    // Jupyter serves a token holder from anywhere; with the token no other origin may read the answer.
    for (const origin of ['http://localhost.evil.example', 'http://127.0.0.1:1']) expect(answers[`token ${origin}`]).toEqual([200, '']);
    expect(answers.host).toBe(403);
  });
});

describe('Sandbox check, lines 16 and 17, against a real throw-away lab', () => {
  let results: AttackResult[] = [];
  beforeAll(async () => {
    const { profiles } = await loadCatalog(path.join(REPO, 'images'), testPolicy());
    const profile = profiles.find((p) => p.id === 'python')!;
    results = await runAudit({
      docker: () => docker,
      profile,
      namespace: ns,
      log: memoryLogger(),
      diskMiB: 32,
      only: ['page-egress', 'origin-check'],
      policy: testPolicy(),
      gateImage: trustedGateImage,
    });
    for (const r of results) console.log(`${r.blocked ? 'BLOCKED    ' : 'NOT BLOCKED'} ${r.attack}: ${r.evidence}`);
  }, 600_000);

  it("replaces the notebook with the student's own server and still finds every answer confined", () => {
    expect(results.map((r) => r.attack)).toEqual([
      "16. Page egress: the lab's own server sends a permissive CSP",
      "16. Page egress: CORS and reporting headers from the lab's server",
      "16. Page egress: script-readable cookies from the lab's server",
      '17. Origin check: requests from other origins and hosts',
      '17. Origin check: WebSocket upgrades from other origins and hosts',
    ]);
    for (const r of results) expect(r, r.evidence).toMatchObject({ blocked: true });
    expect(results[0]!.evidence).toMatch(/ClassLab's policy/);
    expect(results[3]!.evidence).toMatch(/Origin http:\/\/localhost\.evil\.example.*Origin null.*another lab.*Host evil\.example/);
  });
});

/** The name=value pairs of a response's Set-Cookie lines, as a Cookie header. */
function cookiePairs(a: { raw: [string, string][] }): string {
  return headerValues(a, 'set-cookie')
    .map((c) => c.split(';')[0]!)
    .join('; ');
}
