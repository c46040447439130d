// Does a response's Content-Security-Policy keep the page it carries to its own origin? The Sandbox check
// reads the headers that came through a lab's gate and judges them here (pure, unit-tested): whatever the
// lab's server sent, a page of the lab may load scripts, styles, images, fonts, media, frames and
// workers, connect, and post forms only to 'self' (plus bytes it already holds, data: and blob:), may be
// framed only by ClassLab's UI on loopback, and may not move its base URL.

/** Fetch directives and where each falls back to when it is absent (CSP Level 3). */
const FETCH_DIRECTIVES: Record<string, string[]> = {
  'script-src': ['default-src'],
  'style-src': ['default-src'],
  'img-src': ['default-src'],
  'font-src': ['default-src'],
  'connect-src': ['default-src'],
  'media-src': ['default-src'],
  'manifest-src': ['default-src'],
  'object-src': ['default-src'],
  'frame-src': ['child-src', 'default-src'],
  'worker-src': ['child-src', 'script-src', 'default-src'],
};

/** Sources that name no other origin: the page's own, none, or bytes the page holds. */
const LOCAL_SOURCES = new Set(["'self'", "'none'", "'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", "'unsafe-hashes'", 'data:', 'blob:']);
const NONCE_OR_HASH = /^'(nonce|sha256|sha384|sha512)-[A-Za-z0-9+/=_-]+'$/;
/** Who may frame a lab page: itself and ClassLab's UI (the bridge page on loopback; its port changes). */
const ALLOWED_ANCESTORS = new Set(["'self'", "'none'", 'http://127.0.0.1:*', 'http://localhost:*']);

function parsePolicy(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/).filter(Boolean);
    // The first occurrence of a directive wins; later ones are ignored by browsers.
    if (name && !out.has(name.toLowerCase())) out.set(name.toLowerCase(), sources);
  }
  return out;
}

function foreign(sources: string[], allowed: (s: string) => boolean): string[] {
  return sources.filter((s) => !allowed(s));
}

export interface PagePolicyVerdict {
  ok: boolean;
  problems: string[];
}

/** `policies`: every Content-Security-Policy header value of one response. */
export function judgePagePolicy(policies: string[]): PagePolicyVerdict {
  const problems: string[] = [];
  if (policies.length !== 1)
    problems.push(policies.length === 0 ? 'no Content-Security-Policy at all' : `${policies.length} Content-Security-Policy headers, not one`);
  if (policies.length === 0) return { ok: false, problems };
  // Browsers enforce every policy they get; judge the first (the gate's, when it is there) on its own.
  const policy = parsePolicy(policies[0]!);
  const local = (s: string): boolean => LOCAL_SOURCES.has(s.toLowerCase()) || NONCE_OR_HASH.test(s);
  for (const [directive, fallbacks] of Object.entries(FETCH_DIRECTIVES)) {
    const source = [directive, ...fallbacks].find((d) => policy.has(d));
    if (!source) {
      problems.push(`${directive} allows any origin (neither it nor default-src is set)`);
      continue;
    }
    const others = foreign(policy.get(source)!, local);
    if (others.length > 0) problems.push(`${directive} (from ${source}) allows ${others.join(' ')}`);
  }
  for (const directive of ['form-action', 'base-uri']) {
    const sources = policy.get(directive);
    if (!sources) problems.push(`${directive} is not set (it has no fallback)`);
    else if (foreign(sources, (s) => s === "'self'" || s === "'none'").length > 0) problems.push(`${directive} allows ${sources.join(' ')}`);
  }
  const ancestors = policy.get('frame-ancestors');
  if (!ancestors) problems.push('frame-ancestors is not set: any page may frame the lab');
  else if (foreign(ancestors, (s) => ALLOWED_ANCESTORS.has(s)).length > 0)
    problems.push(`frame-ancestors allows ${foreign(ancestors, (s) => ALLOWED_ANCESTORS.has(s)).join(' ')}`);
  return { ok: problems.length === 0, problems };
}

/** Cookie names a notebook's own script must read (Jupyter's XSRF token); every other one is HttpOnly. */
const SCRIPT_READABLE_COOKIES = new Set(['_xsrf']);

/**
 * `setCookies`: every Set-Cookie header of one response. Each cookie must be SameSite=Strict, and HttpOnly
 * unless it is one the notebook's own script reads: cookies are per host, not per port, so every lab on
 * 127.0.0.1 shares one jar and a readable login cookie would be every other lab's page's to take.
 */
export function judgeLabCookies(setCookies: string[]): PagePolicyVerdict {
  const problems: string[] = [];
  for (const line of setCookies) {
    const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
    const name = pair.split('=')[0] ?? '';
    const flags = attrs.map((a) => a.toLowerCase().replace(/\s+/g, ''));
    const sameSite = flags.filter((f) => f.startsWith('samesite='));
    if (sameSite.length !== 1 || sameSite[0] !== 'samesite=strict') problems.push(`cookie ${name} is not SameSite=Strict`);
    if (!SCRIPT_READABLE_COOKIES.has(name) && !flags.includes('httponly')) problems.push(`cookie ${name} is readable by scripts (no HttpOnly)`);
  }
  return { ok: problems.length === 0, problems };
}
