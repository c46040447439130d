// The exercises area of the methods table: a lab's installed exercises (ExerciseStore, on the host only),
// one exercise as the student may see it, and a check (each test a quick run, compared on the host).
import { CheckRequest } from '../../api/contract';
import { LabError } from '../../api/errors';
import { wholeSeconds } from '../admin/attempts';
import { CheckPace } from '../exercises/check-pace';
import { checkExercise } from '../exercises/checker';
import type { ExerciseStore } from '../exercises/store';
import { summaryOf, viewOf } from '../exercises/views';
import type { Runs } from '../runs/runs';
import type { CoreService } from '../types';

export type ExerciseMethods = Pick<CoreService, 'exercises:list' | 'exercises:get' | 'exercises:check'>;

/** Wall time for a test: room for the compile step and a loaded machine beside the test's CPU time. */
export function wallSecondsFor(timeSeconds: number): number {
  return timeSeconds * 3 + 7;
}

export function exerciseHandlers(
  store: ExerciseStore,
  runs: Pick<Runs, 'run'>,
  labExists: (lab: string) => void,
  pace: CheckPace = new CheckPace(),
): ExerciseMethods {
  return {
    'exercises:list': async (lab) => {
      labExists(lab);
      return (await store.list(lab)).map(summaryOf);
    },
    'exercises:get': async (lab, id) => {
      labExists(lab);
      return viewOf(await store.get(lab, id));
    },
    'exercises:check': async (request) => {
      const req = CheckRequest.parse(request);
      labExists(req.lab);
      const exercise = await store.get(req.lab, req.exercise);
      // Only hidden tests have anything to leak; a check in the wrong language is refused before it counts.
      if (exercise.tests.some((t) => t.hidden) && exercise.languages.includes(req.lang)) {
        const waitMs = pace.take(req.lab, req.exercise);
        if (waitMs !== null) {
          throw new LabError(
            'BUSY',
            `You checked “${exercise.title}” several times in a short while: check again in ${wholeSeconds(waitMs)} s. ` +
              'Exercises with hidden tests are paced so that a program cannot read the tests out one check at a time.',
          );
        }
      }
      return checkExercise(exercise, req, (t) =>
        runs.run(
          { lab: req.lab, lang: t.lang, code: t.code, stdin: t.stdin },
          { cpuSeconds: t.timeSeconds, wallSeconds: wallSecondsFor(t.timeSeconds), memoryMiB: t.memoryMiB },
        ),
      );
    },
  };
}
