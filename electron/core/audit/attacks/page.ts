// Attacks 14 and 15: the notebook page. The student controls everything inside the lab, its notebook
// server included (same uid), so these attacks do what a student can: move Jupyter's socket aside and serve
// their own pages on the socket path the gate connects to. That server answers anything, sends a
// permissive Content-Security-Policy, CORS headers for any origin and script-readable cookies, and writes
// down every request it gets. Then, from this computer, through the lab's gate:
//   16. page egress: every answer must carry ClassLab's policy (only the lab's own origin), no CORS or
//       reporting headers, and only HttpOnly, SameSite=Strict cookies (but Jupyter's _xsrf);
//   17. origin check: requests and WebSocket upgrades from other origins (http://localhost.evil.example,
//       null, another lab's port, localhost for 127.0.0.1), under another Host (DNS rebinding) or started
//       by another page (fetch metadata) are refused at the gate: the lab's server sees none of them.
// Jupyter's socket is put back afterwards and the notebook must answer again.
import path from 'node:path';
import { notebookAnswers } from '../../labs/readiness';
import { headerValues, probeGate, probeUpgrade, type GateAnswer } from '../gate-probe';
import { judgeLabCookies, judgePagePolicy } from '../page-policy';
import type { AttackResult, AuditAttack, AuditContext } from '../types';

const MARK = 'classlab-audit-page';
const PID_FILE = `/tmp/${MARK}.pid`;
const SEEN_FILE = `/tmp/${MARK}.seen`;

/**
 * The student's own server, run in the lab: takes the notebook socket's path (Jupyter's socket is renamed
 * aside, which keeps it bound), and on SIGTERM gives it back. Every request's path goes to SEEN_FILE.
 */
const ATTACKER_SERVER = `
import os, signal, socketserver, sys
from http.server import BaseHTTPRequestHandler
sock, seen, pidfile = sys.argv[1], sys.argv[2], sys.argv[3]
aside = sock + '.${MARK}'
os.rename(sock, aside)
class Page(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def log_message(self, *args):
        pass
    def answer(self):
        with open(seen, 'a') as f:
            f.write(self.command + ' ' + self.path + '\\n')
        body = b'<html><body>${MARK}: the student\\'s own page</body></html>'
        self.send_response(200)
        self.send_header('Content-Type', 'text/html')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Content-Security-Policy', "default-src * 'unsafe-inline' 'unsafe-eval' data: blob:")
        self.send_header('Access-Control-Allow-Origin', self.headers.get('Origin') or '*')
        self.send_header('Access-Control-Allow-Credentials', 'true')
        self.send_header('Access-Control-Allow-Private-Network', 'true')
        self.send_header('Report-To', '{"group":"x","max_age":86400,"endpoints":[{"url":"http://localhost.evil.example/r"}]}')
        self.send_header('Link', '<http://localhost.evil.example/>; rel=preconnect')
        self.send_header('Set-Cookie', 'lab-session=stolen; Path=/; SameSite=None')
        self.send_header('Set-Cookie', '_xsrf=known; Path=/')
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = do_OPTIONS = do_PUT = answer
class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
server = Server(sock, Page)
os.chmod(sock, 0o600)
def give_back(*args):
    os.unlink(sock)
    os.rename(aside, sock)
    os._exit(0)
signal.signal(signal.SIGTERM, give_back)
with open(pidfile, 'w') as f:
    f.write(str(os.getpid()))
server.serve_forever()
`;

/** Runs `fn` while the student's server holds the notebook socket; gives Jupyter its socket back after. */
async function withAttackerServer<T>(ctx: AuditContext, fn: () => Promise<T>): Promise<T> {
  const { lab } = ctx;
  const sock = lab.profile.server.socket;
  await lab.sh(`rm -f ${SEEN_FILE} ${PID_FILE}`, { timeoutSeconds: 10 });
  await lab.exec(['python3', '-c', ATTACKER_SERVER, sock, SEEN_FILE, PID_FILE], { detach: true });
  try {
    // Up when its pid file is written (after it bound the socket).
    const up = await lab.sh(`for i in $(seq 1 100); do [ -s ${PID_FILE} ] && exit 0; sleep 0.1; done; exit 1`, { timeoutSeconds: 15 });
    if (up.code !== 0) throw new Error(`the attacker's server did not start in the lab (${up.out.trim() || 'no output'})`);
    return await fn();
  } finally {
    await lab.sh(
      `[ -s ${PID_FILE} ] && kill -TERM "$(cat ${PID_FILE})"; for i in $(seq 1 50); do [ -e ${JSON.stringify(`${sock}.${MARK}`)} ] || exit 0; sleep 0.1; done; exit 1`,
      { timeoutSeconds: 10 },
    );
    if (!(await notebookAnswers(lab.base, lab.token, 5000)))
      ctx.log.warn('audit: the notebook did not answer after the page attacks', { socket: path.posix.basename(sock) });
  }
}

/** The requests the student's server saw, one "METHOD path" per line. */
async function seenByLab(ctx: AuditContext): Promise<string[]> {
  const r = await ctx.lab.sh(`cat ${SEEN_FILE} 2>/dev/null || true`, { timeoutSeconds: 10 });
  return r.out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

const CORS_OR_REPORTING = ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-private-network', 'report-to', 'link'];

function fromStudent(a: GateAnswer): boolean {
  return a.status === 200 && a.body.includes(MARK);
}

async function pageEgress(ctx: AuditContext): Promise<AttackResult[]> {
  const port = ctx.lab.port;
  return withAttackerServer(ctx, async () => {
    const plain = await probeGate(port, { path: '/egress/page' });
    const own = await probeGate(port, { path: '/egress/own-origin', headers: { Origin: `http://127.0.0.1:${port}` } });
    const reached = fromStudent(plain) && fromStudent(own);
    const inconclusive = `The student's server did not answer through the gate (HTTP ${plain.status}, ${own.status}), so nothing could be judged.`;

    const policy = judgePagePolicy(headerValues(plain, 'content-security-policy'));
    const leaked = [plain, own].flatMap((a) =>
      CORS_OR_REPORTING.filter((h) => headerValues(a, h).length > 0).map((h) => `${h}: ${headerValues(a, h).join(', ')}`),
    );
    const cookies = judgeLabCookies(headerValues(plain, 'set-cookie'));
    return [
      {
        attack: "16. Page egress: the lab's own server sends a permissive CSP",
        blocked: reached && policy.ok,
        evidence: !reached
          ? inconclusive
          : policy.ok
            ? `The student's page came through the gate with ClassLab's policy instead of its own: ${headerValues(plain, 'content-security-policy')[0]}`
            : `The page the lab served reached this computer with a policy that lets it out: ${policy.problems.join('; ')}.`,
      },
      {
        attack: "16. Page egress: CORS and reporting headers from the lab's server",
        blocked: reached && leaked.length === 0,
        evidence: !reached
          ? inconclusive
          : leaked.length === 0
            ? `The lab sent Access-Control-Allow-Origin for any origin (credentials too), Report-To and a Link preconnect to http://localhost.evil.example; the gate passed none of them on.`
            : `These reached the browser: ${leaked.join('; ')}.`,
      },
      {
        attack: "16. Page egress: script-readable cookies from the lab's server",
        blocked: reached && cookies.ok && headerValues(plain, 'set-cookie').length === 2,
        evidence: !reached
          ? inconclusive
          : cookies.ok
            ? `The lab set "lab-session" with SameSite=None and no HttpOnly; it arrived as: ${headerValues(plain, 'set-cookie').join(' | ')}.`
            : `${cookies.problems.join('; ')}: ${headerValues(plain, 'set-cookie').join(' | ')}.`,
      },
    ];
  });
}

async function originCheck(ctx: AuditContext): Promise<AttackResult[]> {
  const port = ctx.lab.port;
  const other = ctx.neighbour.port;
  return withAttackerServer(ctx, async () => {
    const http: { label: string; path: string; headers: Record<string, string>; method?: string }[] = [
      { label: 'Origin http://localhost.evil.example', path: '/origin/prefix', headers: { Origin: 'http://localhost.evil.example' } },
      { label: 'Origin null', path: '/origin/null', headers: { Origin: 'null' } },
      { label: `Origin of another lab (port ${other})`, path: '/origin/other-port', headers: { Origin: `http://127.0.0.1:${other}` } },
      { label: 'Origin localhost for 127.0.0.1', path: '/origin/localhost', headers: { Origin: `http://localhost:${port}` } },
      {
        label: 'a CORS preflight from http://localhost.evil.example',
        path: '/origin/preflight',
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost.evil.example', 'Access-Control-Request-Method': 'PUT' },
      },
      { label: 'Host evil.example (DNS rebinding)', path: '/origin/rebinding', headers: { Host: 'evil.example' } },
      { label: `Host evil.example:${port}`, path: '/origin/rebinding-port', headers: { Host: `evil.example:${port}` } },
      {
        label: 'an image another page asked for',
        path: '/origin/no-cors',
        headers: { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'image' },
      },
    ];
    const ws: { label: string; path: string; headers: Record<string, string> }[] = [
      { label: 'WebSocket from http://localhost.evil.example', path: '/origin/ws-prefix', headers: { Origin: 'http://localhost.evil.example' } },
      { label: 'WebSocket from null', path: '/origin/ws-null', headers: { Origin: 'null' } },
      { label: `WebSocket from another lab (port ${other})`, path: '/origin/ws-other-port', headers: { Origin: `http://127.0.0.1:${other}` } },
      { label: 'WebSocket with Host evil.example', path: '/origin/ws-rebinding', headers: { Host: 'evil.example', Origin: 'http://evil.example' } },
    ];
    const answers: { label: string; path: string; status: number; byGate: boolean }[] = [];
    for (const r of http) {
      const a = await probeGate(port, { path: r.path, headers: r.headers, ...(r.method ? { method: r.method } : {}) });
      answers.push({ label: r.label, path: r.path, status: a.status, byGate: a.body.startsWith("ClassLab's gate refused") });
    }
    for (const r of ws) {
      const a = await probeUpgrade(port, r.path, r.headers);
      answers.push({ label: r.label, path: r.path, status: a.status, byGate: a.body.startsWith("ClassLab's gate refused") });
    }
    // The control: the lab's own page is still let through (else "refused" would mean nothing).
    const control = await probeGate(port, {
      path: '/origin/own',
      headers: { Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Dest': 'empty' },
    });
    const seen = await seenByLab(ctx);
    const results: AttackResult[] = [];
    for (const [kind, list] of [
      ['requests', answers.slice(0, http.length)],
      ['WebSocket upgrades', answers.slice(http.length)],
    ] as const) {
      const through = list.filter((a) => a.status !== 403 || !a.byGate || seen.some((l) => l.endsWith(` ${a.path}`)));
      const controlOk = fromStudent(control) && seen.some((l) => l.endsWith(' /origin/own'));
      results.push({
        attack: `17. Origin check: ${kind} from other origins and hosts`,
        blocked: controlOk && through.length === 0,
        evidence: !controlOk
          ? `The lab's own origin was not let through either (HTTP ${control.status}), so the refusals prove nothing.`
          : through.length === 0
            ? `Refused at the gate with 403, and the lab's server saw none of them: ${list.map((a) => a.label).join('; ')}. Its own origin passed (HTTP ${control.status}).`
            : `Got through: ${through.map((a) => `${a.label} (HTTP ${a.status}${seen.some((l) => l.endsWith(` ${a.path}`)) ? ', seen by the lab' : ''})`).join('; ')}.`,
      });
    }
    return results;
  });
}

export const pageAttacks: AuditAttack[] = [
  { id: 'page-egress', number: 16, run: pageEgress },
  { id: 'origin-check', number: 17, run: originCheck },
];
