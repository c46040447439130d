// Which cells of the instructor's notebook are graded, with their ids and points. Pure.
//
// A graded cell is a code cell that nbgrader's metadata marks as autograder tests
// (`metadata.nbgrader.grade === true`, not a solution: a graded solution cell is nbgrader's *manually*
// graded answer, which no run can grade), or — for a notebook written without nbgrader — a code cell
// with a hidden-tests block or a `# points: N` line. Its id is nbgrader's `grade_id` when it has one, else
// `cell-N` (N: the cell's number in the instructor's notebook), derived from the source so the
// instructor's file is never rewritten; release writes the id into the student's copy
// (`metadata.classlab.grade_id`), which is how grading finds the cell in a submission.
import { LabError } from '../../api/errors';
import { objectAt, sourceOf, type Cell, type Notebook } from './notebook';
import { regionsOf, type Region } from './regions';

export const GRADE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** The most graded cells in one notebook (each is a line of the grader and a column of the CSV). */
export const MAX_GRADED_CELLS = 200;
const MAX_POINTS = 1000;
const POINTS_LINE = /^[ \t]*(?:#+|%+|\/\/+)[ \t]*points:[ \t]*([0-9]+(?:\.[0-9]+)?)[ \t]*\r?$/im;

export interface GradedCell {
  id: string;
  /** 0-based position in the instructor's notebook. */
  index: number;
  points: number;
  /** The instructor's whole source, hidden tests included: what grading runs in place of the student's. */
  source: string;
}

/** The checked regions of every cell (code cells strictly: see regions.ts), by position. */
export function cellRegions(nb: Notebook): Region[][] {
  return nb.cells.map((cell, i) => regionsOf(sourceOf(cell), `cell ${i + 1}`, cell.cell_type === 'code'));
}

/** The grade id a student's (or the released) cell carries: ClassLab's, then nbgrader's. */
export function gradeIdOf(cell: Cell): string | null {
  for (const key of ['classlab', 'nbgrader']) {
    const id = objectAt(cell.metadata, key)?.grade_id;
    if (typeof id === 'string' && GRADE_ID.test(id)) return id;
  }
  return null;
}

export function gradedCellsOf(nb: Notebook, regions: Region[][] = cellRegions(nb)): GradedCell[] {
  const graded: GradedCell[] = [];
  const seen = new Map<string, number>();
  const fail = (i: number, why: string): never => {
    throw new LabError('REFUSED', `The instructor's notebook, cell ${i + 1}: ${why}.`);
  };
  for (const [i, cell] of nb.cells.entries()) {
    const r = regions[i]!;
    const hidden = r.some((x) => x.kind === 'hidden');
    if (cell.cell_type !== 'code') {
      if (hidden) fail(i, 'a hidden-tests block in a text cell would be shown to students; put hidden tests in code cells');
      continue;
    }
    const text = sourceOf(cell);
    const nbg = objectAt(cell.metadata, 'nbgrader');
    let isGraded: boolean;
    let points = 1;
    let id = `cell-${i + 1}`;
    if (nbg && typeof nbg.grade === 'boolean') {
      isGraded = nbg.grade && nbg.solution !== true;
      if (nbg.points !== undefined) {
        if (typeof nbg.points !== 'number' || !Number.isFinite(nbg.points) || nbg.points < 0 || nbg.points > MAX_POINTS)
          fail(i, `nbgrader's points must be a number from 0 to ${MAX_POINTS}`);
        points = nbg.points as number;
      }
      if (nbg.grade_id !== undefined) {
        if (typeof nbg.grade_id !== 'string' || !GRADE_ID.test(nbg.grade_id))
          fail(i, `the grade_id ${JSON.stringify(nbg.grade_id).slice(0, 70)} is not an id (letters, digits, . _ -; at most 64)`);
        id = nbg.grade_id as string;
      }
    } else {
      const line = POINTS_LINE.exec(text);
      isGraded = hidden || line !== null;
      if (line) points = Number(line[1]);
      if (points > MAX_POINTS) fail(i, `points must be at most ${MAX_POINTS}`);
    }
    if (!isGraded) {
      if (hidden)
        fail(i, 'it has hidden tests but is not a graded cell (nbgrader: grade is false, or it is a manually graded answer); grading would never run them');
      continue;
    }
    if (r.some((x) => x.kind === 'solution'))
      fail(i, "a graded test cell also holds a solution; grading runs the instructor's version of a test cell, so put the solution in a cell of its own");
    const earlier = seen.get(id);
    if (earlier !== undefined) fail(i, `its id ${id} is the id of cell ${earlier + 1} too; every graded cell needs its own`);
    seen.set(id, i);
    graded.push({ id, index: i, points, source: text });
  }
  if (graded.length > MAX_GRADED_CELLS)
    throw new LabError('REFUSED', `The instructor's notebook has ${graded.length} graded cells; at most ${MAX_GRADED_CELLS}.`);
  return graded;
}
