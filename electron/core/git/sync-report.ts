// What a course sync did, in a shape that crosses the API (zod) and in plain words for the sync panel.
import { CourseSyncReport, KeptFile } from '../../api/contract';

// The schemas live in the API contract (the report crosses to the UI as it is).
export { CourseSyncReport, KeptFile };

const list = (paths: string[], max = 5) => (paths.length <= max ? paths.join(', ') : `${paths.slice(0, max).join(', ')} and ${paths.length - max} more`);
const files = (n: number) => (n === 1 ? '1 file' : `${n} files`);

/** Plain sentences for a report (without its summary). Pure. */
export function describeSync(r: Omit<CourseSyncReport, 'summary'>): string[] {
  const out: string[] = [];
  if (r.outcome === 'fresh-copy' && r.backup) {
    out.push(`The course history changed, so you got a fresh copy. Your previous folder, with all your work, is kept as "${r.backup}".`);
  }
  if (r.outcome === 'cloned') out.push('The course materials were copied into your workspace.');
  if (r.added.length && r.outcome !== 'cloned' && r.outcome !== 'fresh-copy')
    out.push(`New from your instructor (${files(r.added.length)}): ${list(r.added)}.`);
  if (r.updated.length) out.push(`Updated by your instructor (${files(r.updated.length)}): ${list(r.updated)}.`);
  if (r.merged.length)
    out.push(`Your edits and your instructor's changes were combined in ${list(r.merged)}; where you both changed the same lines, yours were kept.`);
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
