// What a grading run executes for one submission: the student's code cells in the student's order, with
// every graded cell replaced by the instructor's full version (hidden tests included). Pure.
//
// - A student's cell that carries a graded cell's id (metadata.classlab.grade_id, or nbgrader's) is
//   that graded cell: the instructor's source runs in its place, whatever the student wrote in it.
//   Later copies of it (a duplicated test cell) are dropped: each graded cell runs once.
// - A graded cell the student deleted (or whose metadata was lost) still runs: after the nearest cell
//   before it in the instructor's notebook that the submission still has (matched by nbformat cell id or
//   grade id), else before the nearest such cell after it, else at the end.
// - Every other code cell of the submission runs as the student wrote it; text cells do not run.
import type { GradedCell } from './graded-cells';
import { gradeIdOf } from './graded-cells';
import { sourceOf, type Cell, type Notebook } from './notebook';

export interface RunCell {
  /** The graded cell's id; null for the student's own cells. */
  id: string | null;
  source: string;
  graded: boolean;
}

interface Placed {
  run: RunCell | null;
  keys: string[];
}

function keysOf(cell: Cell, gradeId: string | null): string[] {
  const keys: string[] = [];
  if (cell.id !== undefined) keys.push(`cell:${cell.id}`);
  if (gradeId !== null) keys.push(`grade:${gradeId}`);
  return keys;
}

export interface Merged {
  cells: RunCell[];
  /** Graded cells the submission did not have, put back by position. */
  restored: string[];
}

export function mergeSubmission(source: Notebook, graded: readonly GradedCell[], submission: Notebook): Merged {
  const byId = new Map(graded.map((g) => [g.id, g]));
  // A graded cell is also known by its nbformat cell id: Jupyter keeps it when metadata is edited away.
  const byCellId = new Map(graded.flatMap((g) => (source.cells[g.index]!.id !== undefined ? [[source.cells[g.index]!.id!, g] as const] : [])));
  const gradedAt = new Map(graded.map((g) => [g.index, g]));
  const placed: Placed[] = [];
  const done = new Set<string>();
  for (const cell of submission.cells) {
    const id = gradeIdOf(cell);
    const g = (id !== null ? byId.get(id) : undefined) ?? (cell.id !== undefined ? byCellId.get(cell.id) : undefined);
    if (g) {
      if (done.has(g.id)) continue;
      done.add(g.id);
      placed.push({ run: { id: g.id, source: g.source, graded: true }, keys: keysOf(cell, g.id) });
    } else {
      const run = cell.cell_type === 'code' ? { id: null, source: sourceOf(cell), graded: false } : null;
      placed.push({ run, keys: keysOf(cell, null) });
    }
  }
  const positionOf = (i: number): number => {
    const keys = keysOf(source.cells[i]!, gradedAt.get(i)?.id ?? null);
    return placed.findIndex((p) => p.keys.some((k) => keys.includes(k)));
  };
  const restored: string[] = [];
  for (const g of graded) {
    if (done.has(g.id)) continue;
    let at: number | null = null;
    for (let i = g.index - 1; i >= 0 && at === null; i--) {
      const p = positionOf(i);
      if (p >= 0) at = p + 1;
    }
    for (let i = g.index + 1; i < source.cells.length && at === null; i++) {
      const p = positionOf(i);
      if (p >= 0) at = p;
    }
    placed.splice(at ?? placed.length, 0, { run: { id: g.id, source: g.source, graded: true }, keys: keysOf(source.cells[g.index]!, g.id) });
    done.add(g.id);
    restored.push(g.id);
  }
  return { cells: placed.flatMap((p) => (p.run ? [p.run] : [])), restored };
}
