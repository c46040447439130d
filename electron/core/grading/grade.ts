// One submission graded: the instructor's notebook and the student's read on the host, merged
// (merge.ts), and run by ClassLab's grader (grader-script.ts) as the program of one quick run — a fresh
// container made from the lab's image, with the quick-run sandbox floor and larger limits for a kernel,
// removed afterwards whatever happens (runs/sandbox-run.ts). Points come only from the grader's nonce
// lines (grader-protocol.ts); a graded cell without one gets none.
import { randomBytes } from 'node:crypto';
import type { GradeCellResult, GradeRequest, GradeResult, RunRequest, RunResult } from '../../api/contract';
import { GradeRequest as GradeRequestSchema, RunRequest as RunRequestSchema } from '../../api/contract';
import { LabError } from '../../api/errors';
import type { RunOwnLimit } from '../runs/runs';
import type { RunSandboxLimits } from '../runs/run-spec';
import { gradedCellsOf, type GradedCell } from './graded-cells';
import { readGraderReport, graderStdin, type CellLine } from './grader-protocol';
import { GRADER_SCRIPT } from './grader-script';
import { mergeSubmission } from './merge';
import { kernelOf, parseNotebook } from './notebook';

export const DEFAULT_CELL_TIMEOUT_SECONDS = 30;
/** Seconds the grader may take to start the kernel (its own startup_timeout is 90). */
const KERNEL_START_SECONDS = 100;
/** Seconds after a cell's time limit for the interrupt to bring the kernel back (the grader waits 5). */
const INTERRUPT_SECONDS = 6;
/** The longest one grading run may take, whatever the notebook. */
export const MAX_GRADING_SECONDS = 2 * 60 * 60;
const MAX_REASON = 300;

export type GradingLimits = Pick<RunSandboxLimits, RunOwnLimit>;

/**
 * A grading run's limits. Memory: an IPython kernel with numpy is ~100–200 MiB beside the grader's own
 * jupyter_client; processes: a kernel's and the grader's threads (measured in the design notes); CPU
 * time is `ulimit -t`, counted per process, so it is as long as the wall time and the per-cell limit is
 * the grader's; output: the grader prints one short line per graded cell, and whatever the notebook
 * writes onto the same stream counts too.
 */
export function gradingLimits(runCells: number, timeoutSeconds: number): GradingLimits {
  const wallSeconds = Math.min(MAX_GRADING_SECONDS, KERNEL_START_SECONDS + runCells * (timeoutSeconds + INTERRUPT_SECONDS) + 10);
  return { wallSeconds, cpuSeconds: wallSeconds, memoryMiB: 1024, pids: 128, outputBytes: 1024 * 1024 };
}

export type RunGrader = (request: RunRequest, limits: GradingLimits) => Promise<RunResult>;

/** Hostile text (a student's error message, a file name) as one printable line of at most `max` characters. */
export function printable(text: string, max = MAX_REASON): string {
  const line = text
    // eslint-disable-next-line no-control-regex -- control and bidi characters are what this removes
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function whyNotRun(run: RunResult, limits: GradingLimits): string {
  if (run.verdict === 'time-limit') return `grading ran out of its total time (${limits.wallSeconds} s) before this cell`;
  if (run.verdict === 'memory-limit') return `the notebook used more than ${limits.memoryMiB} MiB of memory`;
  if (run.verdict === 'output-limit') return "the notebook wrote more than the grader's output limit";
  return "the grader stopped before this cell (the notebook's code may have ended it)";
}

function cellResult(g: GradedCell, lines: CellLine[] | undefined, restored: boolean, run: RunResult, limits: GradingLimits): GradeCellResult {
  const base = { id: g.id, maxPoints: g.points, restored };
  if (!lines || lines.length === 0) return { ...base, status: 'not-run', points: 0, reason: whyNotRun(run, limits) };
  if (lines.length > 1) return { ...base, status: 'error', points: 0, reason: 'more than one verdict for this cell reached the host; none is trusted' };
  const l = lines[0]!;
  if (l.status === 'passed') return { ...base, status: 'passed', points: g.points, reason: null };
  const message = printable(l.message ?? '');
  if (l.status === 'error') return { ...base, status: 'error', points: 0, reason: printable(`${l.ename ?? 'Error'}${message ? `: ${message}` : ''}`) };
  if (l.status === 'timeout') return { ...base, status: 'timeout', points: 0, reason: `time limit: ${message || 'the cell ran too long'}` };
  return { ...base, status: 'not-run', points: 0, reason: message || 'not run' };
}

/**
 * `otherLabs`: the labs of the catalog in order, asked in turn when no lab was named and the one picked
 * has no kernel of the notebook's name.
 */
export async function gradeSubmission(runGrader: RunGrader, request: GradeRequest, otherLabs: () => string[] = () => []): Promise<GradeResult> {
  const req = GradeRequestSchema.parse(request);
  const source = parseNotebook(req.source, "the instructor's notebook");
  const graded = gradedCellsOf(source);
  if (graded.length === 0)
    throw new LabError('REFUSED', "The instructor's notebook has no graded cells: mark test cells with nbgrader, a hidden-tests block or a # points: N line.");
  const kernel = kernelOf(source);
  const submission = parseNotebook(req.submission, `submission ${req.name}`);
  const merged = mergeSubmission(source, graded, submission);
  const timeoutSeconds = req.timeoutSeconds ?? DEFAULT_CELL_TIMEOUT_SECONDS;
  const limits = gradingLimits(merged.cells.length, timeoutSeconds);
  const maxStdin = RunRequestSchema.shape.stdin.unwrap().maxLength ?? 1024 * 1024;
  // A fresh nonce for every run: a run that found no kernel ran nothing of the notebook, but a nonce is
  // still never used twice.
  const attempt = async (lab: string | null) => {
    const nonce = randomBytes(16).toString('hex');
    const stdin = graderStdin({ nonce, kernel, timeoutSeconds, cells: merged.cells });
    if (stdin.length > maxStdin)
      throw new LabError('REFUSED', `Submission ${req.name} cannot be graded: its code cells hold more than ${Math.round(maxStdin / 1024)} KiB of source.`);
    const run = await runGrader({ lab, code: GRADER_SCRIPT, lang: 'python', stdin }, limits);
    return { run, report: readGraderReport(run.stdout, nonce) };
  };
  let { run, report } = await attempt(req.lab);
  // No lab named: the first lab (in catalog order) whose image has Python picked itself; when it lacks the
  // notebook's kernel (an R or Octave notebook), the next labs are asked in turn.
  if (req.lab === null && report.missingKernel) {
    for (const lab of otherLabs().filter((l) => l !== run.labId)) {
      let next;
      try {
        next = await attempt(lab);
      } catch (err) {
        if (err instanceof LabError && (err.code === 'IMAGE_MISSING' || err.code === 'NOT_FOUND')) continue;
        throw err;
      }
      if (next.report.missingKernel) continue;
      ({ run, report } = next);
      break;
    }
    if (report.missingKernel)
      throw new LabError(
        'NOT_FOUND',
        `No lab on this computer has the kernel ${kernel} (labs whose image is not built yet were not looked at); ${printable(report.fatal ?? '')}.`,
      );
  }
  if (report.fatal !== null)
    throw new LabError(
      'START_FAILED',
      `Grading could not start in the lab ${run.labId}: ${printable(report.fatal)}${report.missingKernel ? '; name a lab whose image has it (--lab)' : ''}.`,
    );
  if (!report.kernelReady)
    throw new LabError(
      'START_FAILED',
      `The grader did not start in the lab ${run.labId} (${run.verdict}${run.note ? `: ${run.note}` : ''}) ${printable(run.stderr.slice(-600))}`.trim(),
    );
  const restored = new Set(merged.restored);
  const cells = graded.map((g) => cellResult(g, report.cells.get(g.id), restored.has(g.id), run, limits));
  return {
    submission: req.name,
    lab: run.labId,
    kernel,
    cells,
    points: cells.reduce((n, c) => n + c.points, 0),
    maxPoints: graded.reduce((n, g) => n + g.points, 0),
    timeMs: run.timeMs,
  };
}
