// The checker with a fake run (pure logic): verdicts per compare mode, a compile error said once, and a
// hidden test's result carrying nothing of its input, expected output or what the program printed.
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../electron/api/contract';
import { checkExercise, type TestRun } from '../../../electron/core/exercises/checker';
import { parseExercise } from '../../../electron/core/exercises/schema';
import { testLine } from '../../../electron/core/exercises/views';

const SECRET_IN = 'SECRET-INPUT-7f3a';
const SECRET_OUT = 'SECRET-EXPECTED-91c2';
const exercise = parseExercise(
  'python',
  'echo',
  JSON.stringify({
    format: 1,
    title: 'Echo',
    languages: ['python'],
    tests: [
      { name: 'hello', stdin: 'hello\n', expected: 'hello\n' },
      { stdin: '2.0\n', expected: '2\n', compare: 'numbers', tolerance: { absolute: 0.01 } },
      { stdin: SECRET_IN, expected: SECRET_OUT, hidden: true, points: 3 },
    ],
  }),
  '# Echo',
);

const ran = (over: Partial<RunResult>): RunResult => ({
  runId: 'r0000000000000000',
  labId: 'python',
  verdict: 'accepted',
  stdout: '',
  stderr: '',
  exitCode: 0,
  timeMs: 100,
  memoryMiB: 5,
  note: null,
  ...over,
});
/** A fake program: prints its input, as the checker's run would return it. */
const echo = (map: (stdin: string) => Partial<RunResult> = (s) => ({ stdout: s })) => {
  const calls: TestRun[] = [];
  const run = async (t: TestRun) => {
    calls.push(t);
    return ran(map(t.stdin));
  };
  return { calls, run };
};

describe('checkExercise', () => {
  it('a right answer passes every test, numbers within the tolerance', async () => {
    const { run } = echo((s) => ({ stdout: s === SECRET_IN ? `${SECRET_OUT}  \n` : s }));
    const r = await checkExercise(exercise, { lang: 'python', code: 'x' }, run);
    expect(r.tests.map((t) => t.verdict)).toEqual(['accepted', 'accepted', 'accepted']);
    expect([r.passed, r.points, r.maxPoints]).toEqual([true, 5, 5]);
  });

  it('a wrong answer on a hidden test says only its number and verdict', async () => {
    const { run, calls } = echo((s) => ({ stdout: `${s}|${s}`, stderr: `debug: ${s}`, note: `note ${s}` }));
    const r = await checkExercise(exercise, { lang: 'python', code: 'x' }, run);
    expect(calls.map((c) => [c.timeSeconds, c.memoryMiB])).toEqual([
      [2, 256],
      [2, 256],
      [2, 256],
    ]);
    const hidden = r.tests[2]!;
    expect(hidden).toEqual({
      number: 3,
      hidden: true,
      name: null,
      passed: false,
      verdict: 'wrong-answer',
      points: 0,
      maxPoints: 3,
      stdout: null,
      stderr: null,
      note: null,
      timeMs: null,
      memoryMiB: null,
      ran: true,
    });
    expect(testLine(hidden)).toBe('test 3 [hidden]: wrong answer');
    const wire = JSON.stringify(r);
    expect(wire).not.toContain(SECRET_IN);
    expect(wire).not.toContain(SECRET_OUT);
    // A visible test shows what the program printed.
    expect(r.tests[0]!.stdout).toBe('hello\n|hello\n');
    expect(r.passed).toBe(false);
  });

  it("a run's own verdict wins over the comparison (a time limit is not a wrong answer)", async () => {
    const { run } = echo((s) => (s === SECRET_IN ? { verdict: 'time-limit', stdout: SECRET_OUT, exitCode: null } : { stdout: s }));
    const r = await checkExercise(exercise, { lang: 'python', code: 'x' }, run);
    expect(r.tests.map((t) => t.verdict)).toEqual(['accepted', 'accepted', 'time-limit']);
    expect(JSON.stringify(r)).not.toContain(SECRET_OUT);
  });

  it('a compile error is said once, with the compiler message, and the other tests do not run', async () => {
    const { run, calls } = echo(() => ({ verdict: 'compile-error', stderr: 'main.py:1: SyntaxError', exitCode: 1 }));
    const r = await checkExercise(exercise, { lang: 'python', code: 'x(' }, run);
    expect(calls).toHaveLength(1);
    expect(r.compileOutput).toBe('main.py:1: SyntaxError');
    expect(r.tests.map((t) => [t.verdict, t.ran])).toEqual([
      ['compile-error', true],
      ['compile-error', false],
      ['compile-error', false],
    ]);
  });

  it('refuses a language the exercise is not written in', async () => {
    await expect(checkExercise(exercise, { lang: 'c', code: 'x' }, echo().run)).rejects.toMatchObject({ code: 'REFUSED' });
  });
});

describe('a check with many tests', () => {
  it('queues a few at a time, never all at once, and keeps the order', async () => {
    const many = parseExercise(
      'python',
      'many',
      JSON.stringify({ format: 1, title: 'Many', languages: ['python'], tests: Array.from({ length: 60 }, (_, i) => ({ stdin: `${i}`, expected: `${i}` })) }),
      '',
    );
    let inFlight = 0;
    let most = 0;
    const r = await checkExercise(many, { lang: 'python', code: 'x' }, async (t) => {
      most = Math.max(most, ++inFlight);
      await new Promise((res) => setTimeout(res, 1));
      inFlight--;
      return ran({ stdout: t.stdin });
    });
    expect(most).toBeLessThanOrEqual(2);
    expect(r.tests.map((t) => t.verdict)).toEqual(Array(60).fill('accepted'));
    expect(r.tests.map((t) => t.number)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });
});
