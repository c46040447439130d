// What goes into the grader (grader-script.ts) on its stdin, and what the host accepts back. Pure.
//
// The grader's answer is lines `NONCE {json}` on its stdout. The nonce is fresh per grading run and
// reaches only the grader (the first thing it reads, before any of the student's code exists), so a
// line without it — however it got onto the container's stdout — is the notebook's own output and is
// ignored. Each accepted line is checked with zod; a graded cell with no line did not run, and a cell
// with more than one line is not trusted with any points.
import { z } from 'zod';
import type { RunCell } from './merge';

export interface GraderInput {
  nonce: string;
  kernel: string;
  timeoutSeconds: number;
  cells: RunCell[];
}

export function graderStdin(input: GraderInput): string {
  return JSON.stringify(input);
}

const Text = z.string().max(4000);
export const GraderLine = z.union([
  z.strictObject({ kernel: z.literal('ready') }),
  /** missingKernel: the lab's image has no such kernel (another lab's may). */
  z.strictObject({ fatal: Text, missingKernel: z.boolean().optional() }),
  z.strictObject({ done: z.number().int().min(0) }),
  z.strictObject({
    id: z.string().max(64),
    status: z.enum(['passed', 'error', 'timeout', 'not-run']),
    ename: Text.optional(),
    message: Text.optional(),
  }),
]);
export type GraderLine = z.infer<typeof GraderLine>;
export type CellLine = Extract<GraderLine, { id: string }>;

export interface GraderReport {
  kernelReady: boolean;
  fatal: string | null;
  /** The fatal line said the image has no such kernel: nothing of the notebook ran. */
  missingKernel: boolean;
  done: boolean;
  /** Each graded cell's lines, in the order they came (normally exactly one). */
  cells: Map<string, CellLine[]>;
}

export function readGraderReport(stdout: string, nonce: string): GraderReport {
  const report: GraderReport = { kernelReady: false, fatal: null, missingKernel: false, done: false, cells: new Map() };
  const prefix = `${nonce} `;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    let value: unknown;
    try {
      value = JSON.parse(line.slice(prefix.length));
    } catch {
      continue;
    }
    const parsed = GraderLine.safeParse(value);
    if (!parsed.success) continue;
    const l = parsed.data;
    if ('kernel' in l) report.kernelReady = true;
    else if ('fatal' in l) {
      if (report.fatal === null) report.missingKernel = l.missingKernel === true;
      report.fatal ??= l.fatal;
    } else if ('done' in l) report.done = true;
    else report.cells.set(l.id, [...(report.cells.get(l.id) ?? []), l]);
  }
  return report;
}
