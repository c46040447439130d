// What of an exercise leaves the host, in one place: the summary, the student's view (visible tests only)
// and each test's result (a hidden test's: its number, passed or not, its verdict and points — never its
// name, input, expected output, or what the program printed or how long it took). Pure.
import type { CheckResult, ExerciseSummary, ExerciseView, RunResult, TestResult, TestVerdict } from '../../api/contract';
import type { Exercise, ExerciseTest } from './schema';

export function summaryOf(ex: Exercise): ExerciseSummary {
  return {
    lab: ex.lab,
    id: ex.id,
    title: ex.title,
    languages: ex.languages,
    tests: ex.tests.length,
    hiddenTests: ex.tests.filter((t) => t.hidden).length,
    points: ex.tests.reduce((sum, t) => sum + t.points, 0),
  };
}

export function viewOf(ex: Exercise): ExerciseView {
  return {
    ...summaryOf(ex),
    statement: ex.statement,
    starter: ex.starter,
    visibleTests: ex.tests
      .filter((t) => !t.hidden)
      .map((t) => ({
        number: t.number,
        name: t.name,
        stdin: t.stdin,
        expected: t.expected,
        compare: t.compare,
        points: t.points,
        timeSeconds: t.timeSeconds,
        memoryMiB: t.memoryMiB,
      })),
  };
}

/** A test's result as it may be shown: everything for a visible test, the verdict only for a hidden one. */
export function testResultOf(test: ExerciseTest, verdict: TestVerdict, run: RunResult | null): TestResult {
  const passed = verdict === 'accepted';
  const shown = !test.hidden && run !== null;
  return {
    number: test.number,
    hidden: test.hidden,
    name: test.hidden ? null : test.name,
    passed,
    verdict,
    points: passed ? test.points : 0,
    maxPoints: test.points,
    stdout: shown ? run.stdout : null,
    stderr: shown ? run.stderr : null,
    note: shown ? run.note : null,
    timeMs: shown ? run.timeMs : null,
    memoryMiB: shown ? run.memoryMiB : null,
    ran: run !== null,
  };
}

export function totalOf(lab: string, exercise: string, lang: CheckResult['lang'], tests: TestResult[], compileOutput: string | null): CheckResult {
  return {
    lab,
    exercise,
    lang,
    passed: tests.every((t) => t.passed),
    points: tests.reduce((s, t) => s + t.points, 0),
    maxPoints: tests.reduce((s, t) => s + t.maxPoints, 0),
    compileOutput,
    tests,
  };
}

/** "test 3: wrong answer" — how a result reads in one line (the CLI, the UI's summary). */
export function testLine(t: TestResult): string {
  const what = t.passed ? 'passed' : t.verdict.replace('-', ' ');
  return `test ${t.number}${t.name && t.name !== `test ${t.number}` ? ` (${t.name})` : ''}${t.hidden ? ' [hidden]' : ''}: ${what}`;
}
