// The grading area of the methods table (admin: core/admin/admin-methods.ts): one submission graded
// against the instructor's notebook, as one quick run of ClassLab's grader (core/grading) through the
// machine's capped pool. Nothing is stored: the instructor's notebook comes with the call and stays in
// this process.
import { gradeSubmission } from '../grading/grade';
import type { Runs } from '../runs/runs';
import type { CoreService } from '../types';

export type GradingMethods = Pick<CoreService, 'grading:grade'>;

/** `labIds`: the catalog's labs in order (a notebook whose kernel the first Python lab lacks tries the next). */
export function gradingHandlers(runs: Pick<Runs, 'run'>, labIds: () => string[]): GradingMethods {
  return { 'grading:grade': (request) => gradeSubmission((req, limits) => runs.run(req, limits), request, labIds) };
}
