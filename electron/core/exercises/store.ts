// Where exercises live: on the host only, in <data>/exercises/<lab>/<id>/ (exercise.json, statement.md).
// Nothing of it is mounted or copied into any lab (ClassLab's data folder can never be a lab's mount:
// trust/host-folders.ts), so a student with a terminal in their lab cannot read a hidden test. An
// instructor installs an exercise from their own folder (`classlab exercises install`, an admin command);
// the folder is read as hostile (regular files only, no links, sizes capped), checked whole, and written
// in by rename, so a half-written or bad exercise never replaces a good one.
import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXERCISE_ID, LAB_ID } from '../../api/contract';
import { LabError } from '../../api/errors';
import type { Logger } from '../log';
import { EXERCISE_FILE, MAX_EXERCISE_BYTES, MAX_STATEMENT_BYTES, parseExercise, problemOf, STATEMENT_FILE, type Exercise } from './schema';

export function exercisesDir(dataDir: string): string {
  return path.join(dataDir, 'exercises');
}

/** A regular file's text (strict UTF-8), at most `max` bytes; never through a link. Also grading's reader. */
export async function readText(file: string, max: number): Promise<string> {
  const handle = await open(file, fsc.O_RDONLY | (fsc.O_NOFOLLOW ?? 0) | (fsc.O_NONBLOCK ?? 0));
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new Error(`${path.basename(file)} is not a regular file`);
    if (st.size > max) throw new Error(`${path.basename(file)} is larger than ${Math.round(max / 1024)} KiB`);
    const buf = Buffer.alloc(Math.min(st.size, max) + 1);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead > max) throw new Error(`${path.basename(file)} is larger than ${Math.round(max / 1024)} KiB`);
    return new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** Reads and checks an exercise folder; throws LabError(PROFILE_INVALID) saying what is wrong. */
export async function readExerciseFolder(lab: string, id: string, folder: string): Promise<{ exercise: Exercise; json: string; statement: string }> {
  let json: string;
  let statement: string;
  try {
    json = await readText(path.join(folder, EXERCISE_FILE), MAX_EXERCISE_BYTES);
    statement = await readText(path.join(folder, STATEMENT_FILE), MAX_STATEMENT_BYTES);
  } catch (err) {
    throw new LabError('NOT_FOUND', `The exercise ${id} cannot be read: ${(err as Error).message}.`);
  }
  try {
    return { exercise: parseExercise(lab, id, json, statement), json, statement };
  } catch (err) {
    throw new LabError('PROFILE_INVALID', `The exercise ${id} is not valid: ${problemOf(err)}.`);
  }
}

/** Exercises swapped in by installMany: commit() makes it final, rollback() puts back what was there. */
export interface ExerciseSwap {
  exercises: Exercise[];
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export class ExerciseStore {
  constructor(
    private readonly dataDir: string,
    private readonly log: Logger,
  ) {}

  private labDir(lab: string): string {
    return path.join(exercisesDir(this.dataDir), LAB_ID.parse(lab));
  }

  /** Every valid exercise of a lab, by id; one that fails its checks is logged and left out. */
  async list(lab: string): Promise<Exercise[]> {
    let names: string[];
    try {
      names = (await readdir(this.labDir(lab), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      return [];
    }
    const found: Exercise[] = [];
    for (const name of names.filter((n) => EXERCISE_ID.safeParse(n).success).sort()) {
      try {
        found.push((await readExerciseFolder(lab, name, path.join(this.labDir(lab), name))).exercise);
      } catch (err) {
        this.log.warn('exercise left out', { lab, exercise: name, problem: (err as Error).message });
      }
    }
    return found;
  }

  async get(lab: string, id: string): Promise<Exercise> {
    const exercise = EXERCISE_ID.parse(id);
    try {
      return (await readExerciseFolder(lab, exercise, path.join(this.labDir(lab), exercise))).exercise;
    } catch (err) {
      if (err instanceof LabError && err.code === 'NOT_FOUND') throw new LabError('NOT_FOUND', `There is no exercise ${exercise} for ${lab} on this computer.`);
      throw err;
    }
  }

  /**
   * Installs (or replaces) an exercise from an instructor's folder: its id is the folder's name unless given.
   * Only exercise.json and statement.md are copied, after the whole exercise passed its checks.
   */
  async install(lab: string, folder: string, id = path.basename(path.resolve(folder))): Promise<Exercise> {
    const swap = await this.installMany([{ lab, folder, id }]);
    await swap.commit();
    return swap.exercises[0] as Exercise;
  }

  /**
   * Installs several exercises as one change (a lab pack's): every folder is read and checked first, so a
   * bad one installs none; then each is swapped in by rename, the exercise it replaces kept aside. The
   * caller commits (the replaced ones go) or rolls back (every one is put back as it was).
   */
  async installMany(items: ReadonlyArray<{ lab: string; folder: string; id: string }>): Promise<ExerciseSwap> {
    const checked: Array<{ lab: string; id: string; exercise: Exercise; json: string; statement: string }> = [];
    const seen = new Set<string>();
    for (const item of items) {
      const checkedId = EXERCISE_ID.safeParse(item.id);
      if (!checkedId.success)
        throw new LabError('PROFILE_INVALID', `${JSON.stringify(item.id)} is not an exercise id: 1–64 lower-case letters, digits or dashes.`);
      const lab = LAB_ID.parse(item.lab);
      if (seen.has(`${lab}/${checkedId.data}`)) throw new LabError('PROFILE_INVALID', `The exercise ${checkedId.data} of ${lab} is given twice.`);
      seen.add(`${lab}/${checkedId.data}`);
      checked.push({ lab, id: checkedId.data, ...(await readExerciseFolder(lab, checkedId.data, item.folder)) });
    }
    const done: Array<{ target: string; old: string | null }> = [];
    const rollback = async () => {
      for (const { target, old } of done.reverse()) {
        await rm(target, { recursive: true, force: true });
        if (old) await rename(old, target);
      }
      done.length = 0;
    };
    try {
      for (const c of checked) {
        const dir = this.labDir(c.lab);
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const staging = path.join(dir, `.incoming-${c.id}-${process.pid}-${randomBytes(4).toString('hex')}`);
        const target = path.join(dir, c.id);
        await mkdir(staging, { mode: 0o700 });
        try {
          await writeFile(path.join(staging, EXERCISE_FILE), c.json, { mode: 0o600 });
          await writeFile(path.join(staging, STATEMENT_FILE), c.statement, { mode: 0o600 });
          const old = `${staging}-old`;
          const had = await rename(target, old).then(
            () => true,
            () => false,
          );
          done.push({ target, old: had ? old : null });
          await rename(staging, target);
        } catch (err) {
          await rm(staging, { recursive: true, force: true });
          throw err;
        }
      }
    } catch (err) {
      await rollback();
      throw err;
    }
    return {
      exercises: checked.map((c) => c.exercise),
      commit: async () => {
        for (const { old } of done) if (old) await rm(old, { recursive: true, force: true });
        for (const c of checked) this.log.info('exercise installed', { lab: c.lab, exercise: c.id, tests: c.exercise.tests.length });
        done.length = 0;
      },
      rollback,
    };
  }

  /** An exercise's two files as installed (for a lab pack's export: hidden tests included). */
  async files(lab: string, id: string): Promise<{ json: string; statement: string }> {
    const { json, statement } = await readExerciseFolder(lab, EXERCISE_ID.parse(id), path.join(this.labDir(lab), EXERCISE_ID.parse(id)));
    return { json, statement };
  }

  /** Removes an installed exercise; false when there was none. */
  async remove(lab: string, id: string): Promise<boolean> {
    const target = path.join(this.labDir(lab), EXERCISE_ID.parse(id));
    try {
      await readdir(target);
    } catch {
      return false;
    }
    await rm(target, { recursive: true, force: true });
    return true;
  }
}
