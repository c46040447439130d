// A hub's address as ClassLab keeps it: http(s) only, no credentials, query or fragment, the hub's base
// URL (what comes before /hub/), always ending in '/'. Users paste what their browser shows
// (https://hub.example.edu/hub/home, …/user/ana/lab), so everything from /hub/ or /user/ on is dropped.
import { LabError } from '../../api/errors';

const MAX_URL = 2048;

export function normaliseHubUrl(input: string): string {
  const text = input.trim();
  if (!text || text.length > MAX_URL) throw bad(input);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad(input);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad(input);
  if (url.username || url.password)
    throw new LabError('BAD_REQUEST', 'A hub address holds no user name or password: give the address alone; ClassLab asks for the token.');
  if (!url.hostname) throw bad(input);
  let base = url.pathname;
  const cut = base.search(/\/(hub|user)(\/|$)/);
  if (cut >= 0) base = base.slice(0, cut);
  if (!base.endsWith('/')) base += '/';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(decodeURIComponent(base))) throw bad(input);
  return `${url.protocol}//${url.host}${base}`;
}

/** http:// sends the token in clear: fine on this computer's loopback, not across a network. */
export function isClearTextRemote(hubUrl: string): boolean {
  const u = new URL(hubUrl);
  return u.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}

function bad(input: string): LabError {
  return new LabError(
    'BAD_REQUEST',
    `Not a hub address: ${JSON.stringify(input.slice(0, 200))}. Write https://hub.example.edu/ (http:// only on this computer).`,
  );
}
