// Checks a program against an exercise's tests: each test is one quick run (runs/, the capped pool) with
// the test's stdin and limits; its output is compared here, on the host. The expected output never enters
// a container. The first test runs alone: a program that does not compile is said once, and the others
// are not run.
import type { CheckRequest, CheckResult, RunLanguage, RunResult, TestResult } from '../../api/contract';
import { LabError } from '../../api/errors';
import { outputMatches } from './compare';
import type { Exercise, ExerciseTest } from './schema';
import { testResultOf, totalOf } from './views';

export interface TestRun {
  lang: RunLanguage;
  code: string;
  stdin: string;
  timeSeconds: number;
  memoryMiB: number;
}
export type RunTest = (run: TestRun) => Promise<RunResult>;

/** Tests of one check queued at once (the machine's pool decides how many of them run). */
export const TESTS_AT_ONCE = 2;

export function verdictOf(test: ExerciseTest, run: RunResult): TestResult['verdict'] {
  if (run.verdict !== 'accepted') return run.verdict;
  return outputMatches(run.stdout, test.expected, test.compare, test.tolerance) ? 'accepted' : 'wrong-answer';
}

export async function checkExercise(ex: Exercise, req: Pick<CheckRequest, 'lang' | 'code'>, runTest: RunTest): Promise<CheckResult> {
  if (!ex.languages.includes(req.lang)) {
    throw new LabError('REFUSED', `${ex.title} is written in ${ex.languages.join(' or ')}, not ${req.lang}.`);
  }
  const one = async (test: ExerciseTest): Promise<{ test: ExerciseTest; run: RunResult }> => ({
    test,
    run: await runTest({ lang: req.lang, code: req.code, stdin: test.stdin, timeSeconds: test.timeSeconds, memoryMiB: test.memoryMiB }),
  });
  const [first, ...rest] = ex.tests;
  const firstDone = await one(first!);
  if (firstDone.run.verdict === 'compile-error') {
    // The compile step reads /dev/null, never a test's input: its message is the compiler's on the student's own code.
    const results = ex.tests.map((t) => testResultOf(t, 'compile-error', t === first ? firstDone.run : null));
    return totalOf(ex.lab, ex.id, req.lang, results, firstDone.run.stderr);
  }
  // A few at a time, never all at once: a lab's share of the run queue is bounded (run-pool.ts), and an
  // exercise may have more tests than that share.
  const later: { test: ExerciseTest; run: RunResult }[] = new Array(rest.length);
  let next = 0;
  const worker = async () => {
    while (next < rest.length) {
      const i = next++;
      later[i] = await one(rest[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(TESTS_AT_ONCE, rest.length) }, worker));
  const done = [firstDone, ...later];
  return totalOf(
    ex.lab,
    ex.id,
    req.lang,
    done.map(({ test, run }) => testResultOf(test, verdictOf(test, run), run)),
    null,
  );
}
