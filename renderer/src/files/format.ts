// Sizes, times and workspace paths in the words a file browser uses.

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1234567 → "1.2 MB", 273 → "273 B" (powers of 1000, as file managers show them). */
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** A MiB limit as the profile states it: 512 → "512 MiB", 2048 → "2 GiB". */
export function formatMiB(mib: number): string {
  return mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024} GiB` : mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib} MiB`;
}

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

export const normalizeFolderPath = (path: string): string => path.split('/').filter((p) => p !== '').join('/');

export const isNotebook = (name: string): boolean => name.toLowerCase().endsWith('.ipynb');
