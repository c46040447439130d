import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { judgeLabCookies, judgePagePolicy } from '../../electron/core/audit/page-policy';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
/** The gate's own policy, as written in its nginx.conf. */
const GATE_CSP = /add_header Content-Security-Policy "([^"]+)" always;/.exec(readFileSync(path.join(REPO, 'images', 'gate', 'nginx.conf'), 'utf8'))![1]!;

describe('judging a page policy (Sandbox check, page egress)', () => {
  it("accepts the gate's own policy: Jupyter's pages keep inline scripts and eval, nothing reaches another origin", () => {
    expect(judgePagePolicy([GATE_CSP])).toEqual({ ok: true, problems: [] });
    expect(GATE_CSP).toContain("script-src 'self' 'unsafe-inline' 'unsafe-eval'");
  });

  it('refuses no policy, two policies, and what a lab server sends for itself', () => {
    expect(judgePagePolicy([]).ok).toBe(false);
    expect(judgePagePolicy([GATE_CSP, 'default-src *']).problems).toContain('2 Content-Security-Policy headers, not one');
    expect(judgePagePolicy(["default-src * 'unsafe-inline'"]).ok).toBe(false);
    // Jupyter's own default: frames only, everything else open.
    expect(judgePagePolicy(["frame-ancestors 'self'; report-uri /api/security/csp-report"]).problems).toContain(
      'connect-src allows any origin (neither it nor default-src is set)',
    );
  });

  it('finds each way out: a host, a scheme, a wildcard, strict-dynamic, a loose fallback, forms, base, framing', () => {
    const strict = "default-src 'self'; form-action 'self'; base-uri 'self'; frame-ancestors 'self'";
    expect(judgePagePolicy([strict]).ok).toBe(true);
    const cases: [string, RegExp][] = [
      [`${strict}; connect-src 'self' http://127.0.0.1:8000`, /connect-src .* http:\/\/127\.0\.0\.1:8000/],
      [`${strict}; img-src https:`, /img-src .* https:/],
      [`${strict}; script-src 'self' 'strict-dynamic'`, /script-src .*'strict-dynamic'/],
      [`${strict}; child-src *`, /frame-src \(from child-src\) allows \*/],
      ["default-src 'self'; base-uri 'self'; frame-ancestors 'self'", /form-action is not set/],
      ["default-src 'self'; form-action *; base-uri 'self'; frame-ancestors 'self'", /form-action allows \*/],
      ["default-src 'self'; form-action 'self'; frame-ancestors 'self'", /base-uri is not set/],
      ["default-src 'self'; form-action 'self'; base-uri 'self'", /frame-ancestors is not set/],
      ["default-src 'self'; form-action 'self'; base-uri 'self'; frame-ancestors *", /frame-ancestors allows \*/],
    ];
    for (const [policy, problem] of cases) expect(judgePagePolicy([policy]).problems.join('; '), policy).toMatch(problem);
  });
});

describe('judging cookies (Sandbox check, page egress)', () => {
  it('wants SameSite=Strict on every cookie and HttpOnly on all but _xsrf', () => {
    expect(judgeLabCookies(['username-127-0-0-1-1234="2|1:0|…"; HttpOnly; Path=/; SameSite=Strict', '_xsrf=2|abc; Path=/; SameSite=Strict'])).toEqual({
      ok: true,
      problems: [],
    });
    expect(judgeLabCookies(['stolen=1; Path=/; SameSite=None']).problems).toEqual([
      'cookie stolen is not SameSite=Strict',
      'cookie stolen is readable by scripts (no HttpOnly)',
    ]);
    expect(judgeLabCookies(['other=2; HttpOnly; SameSite=Lax; SameSite=Strict']).ok).toBe(false);
    expect(judgeLabCookies([]).ok).toBe(true);
  });
});
