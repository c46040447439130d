// What ClassLab lets git talk to. A remote URL comes from a lab profile or from a student's form, and git
// treats some URLs as programs to run (`ext::sh -c …`), some as options (`--upload-pack=…`, an ssh host
// `-oProxyCommand=…`). So every URL is checked here before it reaches git, with an allowlist, not a
// blocklist. Pure functions; no I/O.
//
// Decisions:
// - https:// and ssh:// (and scp-like `user@host:path`) always; these encrypt what they carry.
// - file:// and absolute local paths only with `allowLocal`, which the caller sets only when this machine
//   trusts that very address (trust.localAddresses, `classlab trust local add`), never from a profile.
// - http:// only with `allowLocal` AND a host that is an address on this PC or its private network
//   (loopback, 10/8, 172.16/12, 192.168/16, fc00::/7): anywhere else it would send a token in clear text.
// - git://, `<transport>::…` (ext::, fd::, …) and every other scheme are refused.
// - Credentials written into an https URL are split out, so the caller can move them to the secret store
//   and the URL that is saved, shown and logged carries none.
import { normalizeWorkspacePath, UnsafePathError } from '../workspace/paths';
import { GitError } from './errors';
import { isGitName } from './git-names';

export class RemoteUrlError extends GitError {
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super('GIT_URL_REFUSED', `This git address is not allowed: ${reason}.`);
    this.name = 'RemoteUrlError';
  }
}

export type RemoteKind = 'https' | 'http' | 'ssh' | 'file';

export interface RemoteUrl {
  /** The URL to give git: never holds a password or token. */
  url: string;
  kind: RemoteKind;
  /** A user name that was in an https URL (not secret, but it goes with the token). */
  username?: string;
  /** A password or token that was in an https URL: move it to the secret store, never save it in settings. */
  token?: string;
}

export interface RemoteUrlOptions {
  /** This machine trusts this address: local folders (file:// or an absolute path) and http:// on this PC or its private network. */
  allowLocal?: boolean;
}

const MAX_URL_LENGTH = 2048;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** git's "<transport>::<address>" form runs a remote helper named by the user (ext:: runs a shell command). */
const TRANSPORT_PREFIX = /^[A-Za-z0-9][A-Za-z0-9+.-]*::/;
/** scp-like syntax: user@host:path (git reads it only when no '/' comes before the first ':'). */
const SCP_LIKE = /^([^@/:\s]+)@(\[[0-9A-Fa-f:.]+\]|[^@/:\s[\]]+):(.*)$/;
const HOST_NAME = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_]([A-Za-z0-9._-]*[A-Za-z0-9_])?)$/;
const USER_NAME = /^[A-Za-z0-9._~+-]+$/;

function refuse(input: string, reason: string): never {
  throw new RemoteUrlError(input, reason);
}

/** True for hosts that only reach this PC. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** True for IP literals on this PC or a private network (not names: a name may resolve anywhere). */
export function isPrivateNetworkHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (isLoopbackHost(h)) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(h);
  if (v4) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  return /^f[cd][0-9a-f]{2}:/.test(h);
}

const NOT_TRUSTED = 'it is a local address, and this computer does not trust it: the computer\'s owner can allow it with "classlab trust local add ADDRESS"';

function checkHost(input: string, host: string): void {
  if (host === '') refuse(input, 'it names no server');
  if (host.startsWith('-')) refuse(input, 'a server name cannot start with "-" (git or ssh would read it as an option)');
  if (!HOST_NAME.test(host)) refuse(input, `"${host}" is not a server name`);
}

function checkUser(input: string, user: string): void {
  if (user.startsWith('-')) refuse(input, 'a user name cannot start with "-"');
  if (!USER_NAME.test(user)) refuse(input, `"${user}" is not a user name`);
}

function checkRepoPath(input: string, repoPath: string): void {
  if (repoPath === '' || repoPath === '/') refuse(input, 'it names no repository');
  if (repoPath.startsWith('-')) refuse(input, 'a repository path cannot start with "-"');
}

function decode(input: string, part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return refuse(input, 'it has a broken %-escape');
  }
}

/**
 * Checks a remote URL and splits out any credentials. Throws RemoteUrlError with a plain reason.
 */
export function parseRemoteUrl(input: string, opts: RemoteUrlOptions = {}): RemoteUrl {
  if (typeof input !== 'string' || input.length === 0) refuse(String(input), 'it is empty');
  if (input.length > MAX_URL_LENGTH) refuse(input.slice(0, 80), `it is longer than ${MAX_URL_LENGTH} characters`);
  if (CONTROL.test(input)) refuse(input, 'it holds a control character or a line break');
  if (input.startsWith('-')) refuse(input, 'it starts with "-" (git would read it as an option)');
  if (TRANSPORT_PREFIX.test(input)) refuse(input, 'the "<transport>::" form runs a program (ext::, fd::, …)');
  if (/\s/.test(input)) refuse(input, 'it holds spaces');

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(input)?.[1]?.toLowerCase();
  if (scheme === undefined) return parseSchemeless(input, opts);

  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return refuse(input, 'it is not a valid URL');
  }
  if (url.hash !== '') refuse(input, 'it has a "#" part');

  switch (scheme) {
    case 'https':
    case 'http': {
      if (scheme === 'http' && !isPrivateNetworkHost(url.hostname)) refuse(input, 'http:// sends passwords in clear text; use https://');
      if (scheme === 'http' && !opts.allowLocal) refuse(input, NOT_TRUSTED);
      checkHost(input, url.hostname);
      checkRepoPath(input, url.pathname);
      const username = url.username === '' ? undefined : decode(input, url.username);
      const token = url.password === '' ? undefined : decode(input, url.password);
      url.username = '';
      url.password = '';
      const result: RemoteUrl = { url: url.toString(), kind: scheme };
      if (username !== undefined) result.username = username;
      if (token !== undefined) result.token = token;
      return result;
    }
    case 'ssh': {
      checkHost(input, url.hostname);
      if (url.username !== '') checkUser(input, decode(input, url.username));
      if (url.password !== '') refuse(input, 'ssh uses keys; a password in an ssh:// address is not used');
      if (url.search !== '') refuse(input, 'an ssh:// address has no "?" part');
      checkRepoPath(input, url.pathname);
      return { url: input, kind: 'ssh' };
    }
    case 'file': {
      if (!opts.allowLocal) refuse(input, NOT_TRUSTED);
      if (url.hostname !== '' && url.hostname !== 'localhost') refuse(input, 'a file:// address names a folder on this PC only');
      if (url.search !== '' || url.username !== '' || url.password !== '') refuse(input, 'a file:// address has no user, password or "?" part');
      checkRepoPath(input, url.pathname);
      return { url: input, kind: 'file' };
    }
    default:
      return refuse(input, `${scheme}:// is not allowed (only https://, ssh:// and local addresses this computer trusts)`);
  }
}

function parseSchemeless(input: string, opts: RemoteUrlOptions): RemoteUrl {
  // An absolute local path: /srv/course.git, or C:\courses\x on Windows.
  if (input.startsWith('/') || /^[A-Za-z]:[\\/]/.test(input) || input.startsWith('\\\\')) {
    if (!opts.allowLocal) refuse(input, NOT_TRUSTED);
    return { url: input, kind: 'file' };
  }
  const scp = SCP_LIKE.exec(input);
  if (scp) {
    const [, user = '', host = '', repoPath = ''] = scp;
    checkUser(input, user);
    checkHost(input, host);
    checkRepoPath(input, repoPath);
    return { url: input, kind: 'ssh' };
  }
  return refuse(input, 'use an https:// address, an ssh:// address, or user@server:path');
}

/**
 * A URL to hand to git: checked, and refused when it still carries a user name or token (those belong in
 * the secret store; the caller splits them out with parseRemoteUrl first).
 */
export function credentialFreeUrl(input: string, opts: RemoteUrlOptions = {}): string {
  const parsed = parseRemoteUrl(input, opts);
  if (parsed.token !== undefined || parsed.username !== undefined) {
    throw new RemoteUrlError(input, 'it holds a user name or token; store them as credentials and use the address without them');
  }
  return parsed.url;
}

/** The URL with any user name and password removed, for messages and logs (never throws). */
export function displayUrl(input: string): string {
  return input.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^@/]*@/, '$1');
}

/** A branch name or target folder that ClassLab refuses (BAD_REQUEST). */
export class GitNameError extends GitError {
  constructor(
    readonly input: string,
    readonly reason: string,
    what: string,
  ) {
    super('BAD_REQUEST', `"${input.length > 80 ? `${input.slice(0, 80)}…` : input}" is not a ${what} ClassLab accepts: ${reason}.`);
    this.name = 'GitNameError';
  }
}

/**
 * Checks a branch name with git's check-ref-format rules (plus: no leading "-", so it can never be read
 * as an option). Returns the name unchanged.
 */
export function checkBranchName(name: string): string {
  const bad = (reason: string): never => {
    throw new GitNameError(String(name), reason, 'branch name');
  };
  if (typeof name !== 'string' || name.length === 0) bad('it is empty');
  if (Buffer.byteLength(name, 'utf8') > 255) bad('it is longer than 255 bytes');
  if (name.startsWith('-')) bad('it starts with "-"');
  if (name === 'HEAD' || name === '@') bad(`"${name}" is reserved`);
  if (CONTROL.test(name) || /[\s~^:?*[\\]/.test(name)) bad('it holds a space, a control character or one of ~ ^ : ? * [ \\');
  if (name.includes('..')) bad('it holds ".."');
  if (name.includes('@{')) bad('it holds "@{"');
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) bad('it starts or ends with "/" or holds "//"');
  if (name.endsWith('.')) bad('it ends with "."');
  for (const part of name.split('/')) {
    if (part.startsWith('.')) bad('a part starts with "."');
    if (part.endsWith('.lock')) bad('a part ends with ".lock"');
  }
  return name;
}

/**
 * Checks the folder (relative to the workspace) that a course is cloned into, and returns it normalized.
 * Refuses what workspace paths refuse, names the host cannot hold, and parts that start with "-".
 */
export function checkTargetFolder(folder: string): string {
  let normalized: string;
  try {
    normalized = normalizeWorkspacePath(folder, { host: 'win32' });
  } catch (err) {
    if (err instanceof UnsafePathError) throw new GitNameError(folder, err.reason, 'folder');
    throw err;
  }
  if (normalized.split('/').some((part) => part.startsWith('-'))) throw new GitNameError(folder, 'a folder name cannot start with "-"', 'folder');
  if (normalized.split('/').some(isGitName))
    throw new GitNameError(folder, 'it is (or lies inside) a folder git reads as ".git"; ClassLab never uses a repository made inside a lab', 'folder');
  return normalized;
}
