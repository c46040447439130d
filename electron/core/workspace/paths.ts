// Safe paths inside a workspace. Every path that comes from a user, the UI or an archive is relative to
// the workspace root, uses '/' between its parts, and must name something inside the workspace that the
// host can hold too (files go back and forth between the lab and the desktop). Pure functions.
import path from 'node:path';

export type HostPlatform = 'linux' | 'darwin' | 'win32';

export class UnsafePathError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`Unsafe path ${JSON.stringify(path.length > 120 ? `${path.slice(0, 120)}…` : path)}: ${reason}`);
    this.name = 'UnsafePathError';
  }
}

/** Longest name of one file or folder, in UTF-8 bytes (ext4, APFS, NTFS all hold 255). */
export const MAX_NAME_BYTES = 255;
/** Longest relative path, in UTF-8 bytes; Linux PATH_MAX is 4096, Windows paths are shorter still. */
export const MAX_PATH_BYTES = 1024;
/** Deepest nesting we accept. */
export const MAX_DEPTH = 64;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const WINDOWS_FORBIDDEN = /[<>:"\\|?*]/;

/** Why the host OS cannot hold a file or folder named `name`, or null when it can. */
export function hostNameProblem(name: string, platform: HostPlatform): string | null {
  if (name.length === 0) return 'an empty name';
  if (name === '.' || name === '..') return `"${name}" is not a name`;
  if (name.includes('\u0000')) return 'a NUL character';
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return `a name longer than ${MAX_NAME_BYTES} bytes`;
  if (name.includes('/')) return 'a "/" inside a name';
  if (platform === 'win32') {
    if (CONTROL.test(name)) return 'a control character (Windows cannot hold it)';
    if (WINDOWS_FORBIDDEN.test(name)) return 'one of < > : " \\ | ? * (Windows cannot hold it)';
    if (WINDOWS_RESERVED.test(name)) return `"${name}" is a reserved device name on Windows`;
    if (/[. ]$/.test(name)) return 'a trailing dot or space (Windows drops it)';
  }
  if (platform === 'darwin' && name.includes(':')) return 'a ":" (macOS Finder shows it as "/")';
  return null;
}

export interface RelativePathOptions {
  /** Also require every name to be one the host can hold (for transfers to and from the desktop). */
  host?: HostPlatform;
}

/**
 * Checks a relative path inside a workspace and returns its parts. Refuses: empty paths, absolute paths,
 * drive letters and UNC paths, backslashes, NUL and control characters, `.` and `..` parts, names and
 * paths that are too long or too deep, and (with `host`) names the host cannot hold.
 * A trailing '/' is allowed (a folder); repeated slashes are not.
 */
export function workspaceParts(rel: string, opts: RelativePathOptions = {}): string[] {
  if (typeof rel !== 'string' || rel.length === 0) throw new UnsafePathError(String(rel), 'an empty path');
  if (rel.includes('\u0000')) throw new UnsafePathError(rel, 'a NUL character');
  if (CONTROL.test(rel)) throw new UnsafePathError(rel, 'a control character');
  if (rel.startsWith('/')) throw new UnsafePathError(rel, 'an absolute path');
  if (/^[A-Za-z]:/.test(rel)) throw new UnsafePathError(rel, 'a drive letter');
  if (rel.includes('\\')) throw new UnsafePathError(rel, 'a backslash (use "/" between folders)');
  if (Buffer.byteLength(rel, 'utf8') > MAX_PATH_BYTES) throw new UnsafePathError(rel, `a path longer than ${MAX_PATH_BYTES} bytes`);
  const trimmed = rel.endsWith('/') ? rel.slice(0, -1) : rel;
  const parts = trimmed.split('/');
  if (parts.length > MAX_DEPTH) throw new UnsafePathError(rel, `more than ${MAX_DEPTH} folders deep`);
  for (const part of parts) {
    if (part === '') throw new UnsafePathError(rel, 'an empty part ("//")');
    if (part === '.' || part === '..') throw new UnsafePathError(rel, `a "${part}" part`);
    if (Buffer.byteLength(part, 'utf8') > MAX_NAME_BYTES) throw new UnsafePathError(rel, `a name longer than ${MAX_NAME_BYTES} bytes`);
    if (opts.host) {
      const problem = hostNameProblem(part, opts.host);
      if (problem) throw new UnsafePathError(rel, problem);
    }
  }
  return parts;
}

/** The normalized relative path ("a/b/c"), or an UnsafePathError. */
export function normalizeWorkspacePath(rel: string, opts: RelativePathOptions = {}): string {
  return workspaceParts(rel, opts).join('/');
}

/** True when `rel` is a safe relative path (see workspaceParts). */
export function isSafeWorkspacePath(rel: string, opts: RelativePathOptions = {}): boolean {
  try {
    workspaceParts(rel, opts);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute container path of `rel` inside the workspace root (an absolute POSIX path such as
 * /home/student/work). The result always starts with root + '/'.
 */
export function containerPathIn(root: string, rel: string): string {
  if (!root.startsWith('/') || root.split('/').includes('..')) throw new UnsafePathError(root, 'the workspace root must be an absolute path');
  const joined = path.posix.join(root, ...workspaceParts(rel));
  const base = root.endsWith('/') ? root : `${root}/`;
  if (!joined.startsWith(base)) throw new UnsafePathError(rel, 'outside the workspace');
  return joined;
}

/**
 * The host path of `rel` inside a host folder, with the rules of that host's OS. The result is always
 * inside `hostRoot`.
 */
export function hostPathIn(hostRoot: string, rel: string, platform: HostPlatform = process.platform as HostPlatform): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  if (!p.isAbsolute(hostRoot)) throw new UnsafePathError(hostRoot, 'the host folder must be an absolute path');
  const root = p.resolve(hostRoot);
  const joined = p.resolve(root, ...workspaceParts(rel, { host: platform }));
  const rootWithSep = root.endsWith(p.sep) ? root : root + p.sep;
  const inside = platform === 'win32' ? joined.toLowerCase().startsWith(rootWithSep.toLowerCase()) : joined.startsWith(rootWithSep);
  if (!inside) throw new UnsafePathError(rel, 'outside the folder');
  return joined;
}

/**
 * Resolves a link target the way the lab would (relative to the link's folder, or absolute inside the
 * container) and says whether it stays inside the archive's root. `linkPath` is a safe relative path;
 * `target` is the raw link text.
 */
export function linkStaysInside(linkPath: string, target: string): boolean {
  if (target.length === 0 || target.includes('\u0000') || target.startsWith('/') || /^[A-Za-z]:/.test(target) || target.includes('\\')) return false;
  const stack = linkPath.split('/').filter((p) => p !== '' && p !== '.');
  stack.pop(); // the link's own name: its target is relative to its folder
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return false;
      stack.pop();
    } else stack.push(part);
  }
  return true;
}
