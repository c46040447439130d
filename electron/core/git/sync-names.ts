// Names the sync gives files it must keep side by side. Chosen to read well in Jupyter's file list and
// to be valid on Windows, macOS and Linux:
// - a student's file (or folder) in the way of a new instructor file:  "data (yours).csv"
// - the instructor's version of a notebook both changed:               "lesson (instructor).ipynb"
// - a second one of either gets a number:                              "data (yours 2).csv"
// - the old course folder when histories diverged:                     "course-backup-2024-05-01-1430"
// Pure.
import path from 'node:path';

/** `dir/name (tag).ext`, or `dir/name (tag n).ext` for n ≥ 2. Dotfiles and folders keep their whole name. */
export function taggedName(rel: string, tag: string, n = 1, isFolder = false): string {
  const dir = path.posix.dirname(rel);
  const base = path.posix.basename(rel);
  const ext = isFolder ? '' : path.posix.extname(base);
  const stem = ext === '' ? base : base.slice(0, -ext.length);
  const label = n <= 1 ? `(${tag})` : `(${tag} ${n})`;
  const name = `${stem} ${label}${ext}`;
  return dir === '.' ? name : `${dir}/${name}`;
}

/** Candidate names for a student's file that must move aside, best first. */
export function* yoursNames(rel: string, isFolder = false): Generator<string> {
  for (let n = 1; n < 1000; n++) yield taggedName(rel, 'yours', n, isFolder);
}

/** Candidate names for the instructor's copy written beside the student's, best first. */
export function* instructorNames(rel: string): Generator<string> {
  for (let n = 1; n < 1000; n++) yield taggedName(rel, 'instructor', n);
}

const two = (n: number) => String(n).padStart(2, '0');

/** "<folder>-<tag>-YYYY-MM-DD-HHMM" in local time; n ≥ 2 adds "-n". */
function datedFolderName(folder: string, tag: string, when: Date, n: number): string {
  const base = path.posix.basename(folder);
  const stamp = `${when.getFullYear()}-${two(when.getMonth() + 1)}-${two(when.getDate())}-${two(when.getHours())}${two(when.getMinutes())}`;
  return `${base}-${tag}-${stamp}${n <= 1 ? '' : `-${n}`}`;
}

/** "<folder>-backup-YYYY-MM-DD-HHMM" in local time; n ≥ 2 adds "-n". */
export function backupFolderName(folder: string, when: Date, n = 1): string {
  return datedFolderName(folder, 'backup', when, n);
}

/** "<folder>-restored-YYYY-MM-DD-HHMM": a snapshot from `when`, restored beside the course folder. */
export function restoredFolderName(folder: string, when: Date): string {
  return datedFolderName(folder, 'restored', when, 1);
}
