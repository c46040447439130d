// The exercise folder an admin picks on the exercises screen, read in the page: which of the picked files
// are its exercise.json and statement.md, and the id the folder's name suggests. The bytes are the
// core's to judge (the same checks as `classlab exercises install`); this only finds the two files and
// says at once what is missing or too large. Pure.
import { EXERCISE_ID, MAX_EXERCISE_JSON_BYTES, MAX_EXERCISE_STATEMENT_BYTES } from '../../../electron/api/contract';

export interface PickedFile {
  name: string;
  size: number;
  /** The path inside the picked folder ("greet/exercise.json"); '' when files were picked one by one. */
  webkitRelativePath: string;
}

export type ExercisePick<F extends PickedFile> =
  { ok: true; exercise: F; statement: F; suggestedId: string } | { ok: false; problem: string; suggestedId: string };

const depth = (f: PickedFile) => (f.webkitRelativePath ? f.webkitRelativePath.split('/').length - 1 : 1);

/** A folder's name as an exercise id, when it is one ("Greet" → "greet"); '' otherwise. */
export function idFromName(name: string): string {
  const id = name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  return EXERCISE_ID.safeParse(id).success ? id : '';
}

export function pickExercise<F extends PickedFile>(files: readonly F[]): ExercisePick<F> {
  const folder = files.find((f) => f.webkitRelativePath)?.webkitRelativePath.split('/')[0] ?? '';
  const suggestedId = idFromName(folder);
  // Only the folder's own two files count, not ones in a subfolder.
  const top = files.filter((f) => depth(f) === 1);
  const exercise = top.find((f) => f.name === 'exercise.json');
  const statement = top.find((f) => f.name === 'statement.md');
  if (!exercise || !statement) {
    const missing = [!exercise && 'exercise.json', !statement && 'statement.md'].filter(Boolean).join(' and ');
    return { ok: false, problem: `An exercise folder holds exercise.json and statement.md; ${missing} is not there.`, suggestedId };
  }
  if (exercise.size === 0) return { ok: false, problem: 'exercise.json is empty.', suggestedId };
  if (exercise.size > MAX_EXERCISE_JSON_BYTES) return { ok: false, problem: 'exercise.json is larger than 8 MiB.', suggestedId };
  if (statement.size > MAX_EXERCISE_STATEMENT_BYTES) return { ok: false, problem: 'statement.md is larger than 256 KiB.', suggestedId };
  return { ok: true, exercise, statement, suggestedId };
}
