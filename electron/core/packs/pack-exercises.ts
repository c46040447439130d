// A lab's exercises in a lab pack (format 2). Export: each installed exercise's exercise.json and
// statement.md as two numbered parts, hidden tests included — the pack goes from the instructor to the
// class's PCs and its signature covers them. Import: each part, already size-checked against the folder
// install's caps (pack-check.ts), is read, compared with its signed digest, and written as an exercise
// folder into a staging folder inside ClassLab's data folder (never a lab's mount, never a workspace);
// the whole set is then checked by the exercise schema, and installed by ExerciseStore.installMany from
// that checked copy, with the same rules as `classlab exercises install`.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readExerciseFolder, exercisesDir, type ExerciseStore } from '../exercises/store';
import { EXERCISE_FILE, STATEMENT_FILE } from '../exercises/schema';
import type { CheckedPack } from './pack-check';
import { packInvalid, readEntry, type PackWriter } from './pack-file';
import { exercisePartCap, exerciseParts, type Manifest, type PackExerciseEntry } from './pack-format';

/** Writes a lab's installed exercises into the pack; numbering continues from `next.n`. */
export async function writeLabExercises(
  store: Pick<ExerciseStore, 'list' | 'files'>,
  lab: string,
  writer: PackWriter,
  parts: Manifest['parts'],
  next: { n: number },
): Promise<PackExerciseEntry[]> {
  const out: PackExerciseEntry[] = [];
  for (const exercise of await store.list(lab)) {
    const { json, statement } = await store.files(lab, exercise.id);
    const names = exerciseParts(next.n++);
    parts[names.exercise] = await writer.add(names.exercise, [Buffer.from(json, 'utf8')]);
    parts[names.statement] = await writer.add(names.statement, [Buffer.from(statement, 'utf8')]);
    out.push({ id: exercise.id, ...names });
  }
  return out;
}

/** A pack import's staging folders in <data>/exercises/ (removed at start-up if a killed import left one). */
export const PACK_STAGING_PREFIX = '.pack-';

export interface StagedExercises {
  /** What ExerciseStore.installMany takes: each a checked folder in the staging folder. */
  items: Array<{ lab: string; id: string; folder: string }>;
  /** Removes the staging folder (after the install, or when the import stops). */
  remove(): Promise<void>;
}

/**
 * Copies every exercise of the pack out of it into a staging folder and checks each one whole (its
 * digest against the signed manifest, strict UTF-8, the exercise schema). Throws PACK_INVALID naming the
 * exercise and what is wrong; then nothing is left behind.
 */
export async function stageExercises(pack: CheckedPack, dataDir: string): Promise<StagedExercises> {
  const staging = path.join(exercisesDir(dataDir), `${PACK_STAGING_PREFIX}${randomBytes(8).toString('hex')}`);
  const remove = () => fs.rm(staging, { recursive: true, force: true });
  const items: StagedExercises['items'] = [];
  try {
    for (const lab of pack.manifest.labs) {
      const labId = String(lab.profile.id);
      for (const ex of lab.exercises) {
        const folder = path.join(staging, labId, ex.id);
        await fs.mkdir(folder, { recursive: true, mode: 0o700 });
        for (const [name, file] of [
          [ex.exercise, EXERCISE_FILE],
          [ex.statement, STATEMENT_FILE],
        ] as const) {
          const entry = pack.entries.get(name);
          const part = pack.manifest.parts[name];
          if (!entry || !part) throw packInvalid(`The pack's manifest names the exercise ${ex.id} of ${labId} but does not carry it.`);
          const bytes = await readEntry(pack.handle, entry, exercisePartCap(name));
          // Checked here, on the very bytes written out, not only by the pass over every part.
          if (createHash('sha256').update(bytes).digest('hex') !== part.sha256)
            throw packInvalid(
              `The exercise ${ex.id} of ${labId} in the pack does not match its digest: the pack was changed or damaged. Ask for a fresh copy.`,
            );
          await fs.writeFile(path.join(folder, file), bytes, { mode: 0o600, flag: 'wx' });
        }
        try {
          await readExerciseFolder(labId, ex.id, folder);
        } catch (err) {
          throw packInvalid(`The pack's exercise ${ex.id} of ${labId} was refused, so nothing was imported: ${(err as Error).message}`);
        }
        items.push({ lab: labId, id: ex.id, folder });
      }
    }
  } catch (err) {
    await remove();
    throw err;
  }
  return { items, remove };
}
