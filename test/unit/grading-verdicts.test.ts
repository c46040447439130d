// Points come only from the grader's nonce lines (core/grading/grader-protocol.ts, grade.ts). These tests
// give gradeSubmission a fake run — the pure logic around the run; the real grader runs in
// test/integration/grading.test.ts — whose stdout holds forged, broken, duplicated and missing lines.
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../electron/api/contract';
import { LabError } from '../../electron/api/errors';
import { gradeSubmission, gradingLimits, printable, type RunGrader } from '../../electron/core/grading/grade';
import { readGraderReport } from '../../electron/core/grading/grader-protocol';
import { GRADER_SCRIPT } from '../../electron/core/grading/grader-script';
import { notebookDoc } from '../support/notebooks';

const SOURCE = JSON.stringify(
  notebookDoc([
    { source: 'def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION' },
    { source: '# points: 1\nassert f(1) == 2' },
    {
      source: 'assert f(2) == 4\n### BEGIN HIDDEN TESTS\nassert f(-1) == -2\n### END HIDDEN TESTS',
      metadata: { nbgrader: { grade: true, solution: false, grade_id: 'hid', points: 2 } },
    },
  ]),
);
const SUBMISSION = JSON.stringify(notebookDoc([{ source: 'def f(x):\n    return x + x' }]));

function runResult(stdout: string, verdict: RunResult['verdict'] = 'accepted'): RunResult {
  return { runId: 'r0123456789abcdef', labId: 'python', verdict, stdout, stderr: '', exitCode: 0, timeMs: 900, memoryMiB: 100, note: null };
}

/** A fake grader run: `lines(nonce)` is what its stdout holds. Records what it was asked. */
function fakeRun(lines: (nonce: string) => string[], verdict: RunResult['verdict'] = 'accepted') {
  const asked: { stdin: string; code: string; limits: unknown }[] = [];
  const run: RunGrader = async (req, limits) => {
    asked.push({ stdin: req.stdin ?? '', code: req.code, limits });
    const nonce = (JSON.parse(req.stdin ?? '{}') as { nonce: string }).nonce;
    return runResult(lines(nonce).join('\n'), verdict);
  };
  return { run, asked };
}

const line = (nonce: string, obj: unknown) => `${nonce} ${JSON.stringify(obj)}`;
const grade = (run: RunGrader) => gradeSubmission(run, { lab: null, source: SOURCE, submission: SUBMISSION, name: 'alice.ipynb', timeoutSeconds: 5 });

describe('grading verdicts', () => {
  it('the grader gets the fixed script as its program and the merged cells, hidden tests included, on stdin', async () => {
    const { run, asked } = fakeRun((n) => [
      line(n, { kernel: 'ready' }),
      line(n, { id: 'cell-2', status: 'passed' }),
      line(n, { id: 'hid', status: 'passed' }),
      line(n, { done: 2 }),
    ]);
    const r = await grade(run);
    expect(asked[0]!.code).toBe(GRADER_SCRIPT);
    const input = JSON.parse(asked[0]!.stdin) as { nonce: string; kernel: string; timeoutSeconds: number; cells: unknown[] };
    expect(input.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(input.kernel).toBe('python3');
    expect(input.cells).toEqual([
      { id: null, source: 'def f(x):\n    return x + x', graded: false },
      { id: 'cell-2', source: '# points: 1\nassert f(1) == 2', graded: true },
      { id: 'hid', source: 'assert f(2) == 4\n### BEGIN HIDDEN TESTS\nassert f(-1) == -2\n### END HIDDEN TESTS', graded: true },
    ]);
    expect(asked[0]!.limits).toEqual(gradingLimits(3, 5));
    expect([r.points, r.maxPoints]).toEqual([3, 3]);
    expect(r.cells.map((c) => [c.id, c.status, c.points, c.restored])).toEqual([
      ['cell-2', 'passed', 1, true],
      ['hid', 'passed', 2, true],
    ]);
  });

  it('lines without the nonce, with a wrong one, or not JSON of the protocol give no points', async () => {
    const { run } = fakeRun((n) => [
      line(n, { kernel: 'ready' }),
      line('0'.repeat(32), { id: 'cell-2', status: 'passed' }),
      JSON.stringify({ id: 'cell-2', status: 'passed' }),
      `x${line(n, { id: 'cell-2', status: 'passed' })}`,
      `${n} {"id": "hid", "status": "passed"`,
      line(n, { id: 'hid', status: 'passed', points: 99 }),
    ]);
    const r = await grade(run);
    expect(r.cells.map((c) => [c.status, c.points])).toEqual([
      ['not-run', 0],
      ['not-run', 0],
    ]);
    expect(r.points).toBe(0);
  });

  it('a cell with two verdict lines is trusted with none', async () => {
    const { run } = fakeRun((n) => [
      line(n, { kernel: 'ready' }),
      line(n, { id: 'cell-2', status: 'error', ename: 'AssertionError' }),
      line(n, { id: 'cell-2', status: 'passed' }),
    ]);
    const r = await grade(run);
    expect(r.cells[0]).toMatchObject({ status: 'error', points: 0, reason: expect.stringMatching(/more than one verdict/) });
  });

  it('says why: the error, the time limit, the run running out of time or memory', async () => {
    const hostile = 'bad\u001b[2J\u202e\nnews';
    const { run } = fakeRun(
      (n) => [
        line(n, { kernel: 'ready' }),
        line(n, { id: 'cell-2', status: 'error', ename: 'AssertionError', message: hostile }),
        line(n, { id: 'hid', status: 'timeout', message: 'ran longer than 5 s' }),
      ],
      'accepted',
    );
    const r = await grade(run);
    expect(r.cells.map((c) => c.reason)).toEqual(['AssertionError: bad [2J news', 'time limit: ran longer than 5 s']);
    for (const verdict of ['time-limit', 'memory-limit'] as const) {
      const partial = await grade(fakeRun((n) => [line(n, { kernel: 'ready' }), line(n, { id: 'cell-2', status: 'passed' })], verdict).run);
      expect(partial.cells.map((c) => [c.status, c.points])).toEqual([
        ['passed', 1],
        ['not-run', 0],
      ]);
      expect(partial.cells[1]!.reason).toMatch(verdict === 'time-limit' ? /ran out of its total time/ : /more than 1024 MiB/);
    }
  });

  it('a grader that could not start is an error of the grading, not zero points', async () => {
    const noKernel = (n: string) => [line(n, { fatal: "this lab's image has no kernel ir (it has: python3)", missingKernel: true })];
    await expect(gradeSubmission(fakeRun(noKernel).run, { lab: 'python', source: SOURCE, submission: SUBMISSION, name: 'a' })).rejects.toMatchObject({
      code: 'START_FAILED',
      message: expect.stringMatching(/no kernel ir .*--lab/),
    });
    await expect(grade(fakeRun((n) => [line(n, { fatal: 'the grader could not protect itself (prctl failed)' })]).run)).rejects.toMatchObject({
      code: 'START_FAILED',
    });
    await expect(grade(fakeRun(() => ['Traceback…']).run)).rejects.toMatchObject({ code: 'START_FAILED' });
  });

  it('no lab named: when the lab picked has no such kernel, the next labs are asked in turn, each run with its own nonce', async () => {
    const asked: { lab: string | null; nonce: string }[] = [];
    const run: RunGrader = async (req) => {
      const nonce = (JSON.parse(req.stdin ?? '{}') as { nonce: string }).nonce;
      asked.push({ lab: req.lab, nonce });
      const labId = req.lab ?? 'python';
      if (labId === 'code') throw new LabError('IMAGE_MISSING', 'not built');
      const out =
        labId === 'r'
          ? [line(nonce, { kernel: 'ready' }), line(nonce, { id: 'cell-2', status: 'passed' }), line(nonce, { id: 'hid', status: 'passed' })]
          : [line(nonce, { fatal: `no kernel (it has: python3)`, missingKernel: true })];
      return { ...runResult(out.join('\n')), labId };
    };
    const r = await gradeSubmission(run, { lab: null, source: SOURCE, submission: SUBMISSION, name: 'a' }, () => ['python', 'code', 'octave', 'r']);
    expect([r.lab, r.points]).toEqual(['r', 3]);
    expect(asked.map((a) => a.lab)).toEqual([null, 'code', 'octave', 'r']);
    expect(new Set(asked.map((a) => a.nonce)).size).toBe(4);
    await expect(gradeSubmission(run, { lab: null, source: SOURCE, submission: SUBMISSION, name: 'a' }, () => ['python', 'octave'])).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/No lab on this computer has the kernel python3/),
    });
  });

  it('refuses a notebook without graded cells and a submission that is not a notebook, before any run', async () => {
    const { run, asked } = fakeRun(() => []);
    await expect(
      gradeSubmission(run, { lab: null, source: JSON.stringify(notebookDoc([{ source: 'x = 1' }])), submission: SUBMISSION, name: 'a' }),
    ).rejects.toThrow(/no graded cells/);
    await expect(gradeSubmission(run, { lab: null, source: SOURCE, submission: '{"nbformat": 4', name: 'b.ipynb' })).rejects.toThrow(
      /Submission b.ipynb cannot be used: it is not JSON/,
    );
    expect(asked).toEqual([]);
  });

  it('limits: the wall time grows with the cells and is capped; the output cap holds every line', () => {
    expect(gradingLimits(10, 30)).toMatchObject({ wallSeconds: 100 + 10 * 36 + 10, memoryMiB: 1024, pids: 128 });
    expect(gradingLimits(2000, 600).wallSeconds).toBe(7200);
    expect(gradingLimits(1, 1).outputBytes).toBeGreaterThan(200 * 4096);
  });

  it('readGraderReport keeps the first fatal and every cell line in order', () => {
    const r = readGraderReport(['n1 {"fatal": "a"}', 'n1 {"fatal": "b"}', 'n1 {"id": "x", "status": "passed"}', 'n1 {"done": 1}'].join('\n'), 'n1');
    expect([r.fatal, r.done, r.cells.get('x')]).toEqual(['a', true, [{ id: 'x', status: 'passed' }]]);
    expect(printable('x'.repeat(400))).toHaveLength(300);
    expect(printable('alice\u001b]0;pwned\u0007\u202e.ipynb', 4096)).toBe('alice ]0;pwned .ipynb');
  });
});
