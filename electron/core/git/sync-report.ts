// What a course sync did, in a shape that crosses the API (zod) and in plain words for the sync panel.
import { z } from 'zod';

export const KeptFile = z.object({
  path: z.string(),
  /** Where the instructor's version was written beside the student's, or null when there is none. */
  instructorCopy: z.string().nullable(),
  reason: z.enum(['both-changed-notebook', 'both-changed-binary', 'removed-by-instructor']),
});
export type KeptFile = z.infer<typeof KeptFile>;

export const CourseSyncReport = z.object({
  /** cloned: first copy; synced: changes applied; up-to-date: nothing to do; fresh-copy: histories diverged, old folder backed up. */
  outcome: z.enum(['cloned', 'synced', 'up-to-date', 'fresh-copy']),
  /** The instructor's commit the folder now matches (plus the student's own changes). */
  commit: z.string(),
  previousCommit: z.string().nullable(),
  /** New files from the instructor. */
  added: z.array(z.string()),
  /** Files the student had not changed, replaced by the instructor's newer version. */
  updated: z.array(z.string()),
  /** Text files both changed: combined; where both changed the same lines, the student's lines were kept. */
  merged: z.array(z.string()),
  /** The student's version kept as it is (see reason). */
  kept: z.array(KeptFile),
  /** A student's file or folder that was in the way of a new instructor file, moved to a "(yours)" name. */
  renamed: z.array(z.object({ from: z.string(), to: z.string() })),
  /** Files the student had deleted, back again. */
  restored: z.array(z.string()),
  /** Files the instructor removed that the student had not changed. */
  removed: z.array(z.string()),
  /** The name suggested for the backup of the old folder (a sibling of the course folder), when histories diverged. */
  backup: z.string().nullable(),
  /** The snapshot taken before the sync, when one was asked for. */
  snapshot: z.string().nullable(),
  /** Notebooks that are not readable as they came (the sync never makes one): whose they are and why. */
  notebookProblems: z.array(z.object({ path: z.string(), origin: z.enum(['instructor', 'yours']), problem: z.string() })),
  /** The same in plain sentences, for the sync panel. */
  summary: z.array(z.string()),
});
export type CourseSyncReport = z.infer<typeof CourseSyncReport>;

const list = (paths: string[], max = 5) =>
  paths.length <= max ? paths.join(', ') : `${paths.slice(0, max).join(', ')} and ${paths.length - max} more`;
const files = (n: number) => (n === 1 ? '1 file' : `${n} files`);

/** Plain sentences for a report (without its summary). Pure. */
export function describeSync(r: Omit<CourseSyncReport, 'summary'>): string[] {
  const out: string[] = [];
  if (r.outcome === 'fresh-copy' && r.backup) {
    out.push(`The course history changed, so you got a fresh copy. Your previous folder, with all your work, is kept as "${r.backup}".`);
  }
  if (r.outcome === 'cloned') out.push('The course materials were copied into your workspace.');
  if (r.added.length && r.outcome !== 'cloned' && r.outcome !== 'fresh-copy') out.push(`New from your instructor (${files(r.added.length)}): ${list(r.added)}.`);
  if (r.updated.length) out.push(`Updated by your instructor (${files(r.updated.length)}): ${list(r.updated)}.`);
  if (r.merged.length) out.push(`Your edits and your instructor's changes were combined in ${list(r.merged)}; where you both changed the same lines, yours were kept.`);
  for (const k of r.kept) {
    if (k.reason === 'removed-by-instructor') out.push(`Your instructor removed ${k.path}; your edited copy stays.`);
    else out.push(`You and your instructor both changed ${k.path}: yours stays as it is, your instructor's version is in ${k.instructorCopy}.`);
  }
  for (const m of r.renamed) out.push(`Your ${m.from} was in the way of a new file from your instructor; it is now ${m.to}.`);
  if (r.restored.length) out.push(`Brought back (you had deleted ${r.restored.length === 1 ? 'it' : 'them'}): ${list(r.restored)}.`);
  if (r.removed.length) out.push(`Removed by your instructor (${files(r.removed.length)}): ${list(r.removed)}.`);
  for (const p of r.notebookProblems) {
    out.push(`${p.path} is not a notebook Jupyter can open (${p.problem})${p.origin === 'instructor' ? '; it came that way from your instructor' : ''}.`);
  }
  if (out.length === 0) out.push('Everything is up to date.');
  return out;
}
