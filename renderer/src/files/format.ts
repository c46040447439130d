// Sizes, times and workspace paths in the words a file browser uses.

// Sizes come from the contract's one formatter, so the panel and the core's messages agree.
export { formatBytes, formatMiB } from '../../../electron/api/units';

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "just now", "5 minutes ago", "yesterday"; older than a week: the local date and time. */
export function formatWhen(ms: number, now: number): string {
  const seconds = Math.round((ms - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86_400) return relative.format(Math.round(seconds / 86_400), 'day');
  return absolute.format(ms);
}

export const formatFullTime = (ms: number): string => absolute.format(ms);

/** Workspace paths: '' is the root, '/'-separated, no leading or trailing slash. */
export const joinPath = (dir: string, name: string): string => (dir ? `${dir}/${name}` : name);
export const parentOf = (path: string): string => path.split('/').slice(0, -1).join('/');
export const baseName = (path: string): string => path.split('/').pop() ?? path;

/** Why a name typed for a new folder or a rename cannot be used, or null when it can. */
export function nameProblem(name: string): string | null {
  if (name.trim() === '') return 'Type a name.';
  if (name !== name.trim()) return 'A name cannot start or end with a space.';
  if (name === '.' || name === '..') return `"${name}" cannot be used as a name.`;
  if (name.includes('/') || name.includes('\\')) return 'A name cannot contain / or \\.';
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\x00-\x1f]/.test(name)) return 'A name cannot contain control characters.';
  if (new TextEncoder().encode(name).length > 255) return 'That name is too long (at most 255 bytes).';
  return null;
}

/** Why a folder path typed as a move destination cannot be used ('' is the workspace's top), or null. */
export function folderPathProblem(path: string): string | null {
  const parts = path.split('/').filter((p) => p !== '');
  for (const p of parts) {
    const problem = nameProblem(p);
    if (problem) return problem;
  }
  return null;
}

export const normalizeFolderPath = (path: string): string =>
  path
    .split('/')
    .filter((p) => p !== '')
    .join('/');

export const isNotebook = (name: string): boolean => name.toLowerCase().endsWith('.ipynb');
