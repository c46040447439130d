// The student's copy of an instructor's notebook (`classlab release`). Pure.
//
// In every code cell, hidden-tests blocks are removed with their marker lines and solution blocks become
// a stub (`# YOUR CODE HERE` / `raise NotImplementedError()`, at the block's indentation); in text cells,
// a solution block becomes `YOUR ANSWER HERE`. Outputs and execution counts are cleared. Every graded
// cell carries its grade id and points in `metadata.classlab`, and every cell keeps its nbformat id, so
// grading finds the student's cells again. Everything is checked before anything is produced: a marker
// out of place is an error, never a half-released notebook.
import { LabError } from '../../api/errors';
import { cellRegions, gradedCellsOf, type GradedCell } from './graded-cells';
import { languageOf, sourceLines, sourceOf, type Cell, type Notebook } from './notebook';
import { codeStub, regionsOf, TEXT_STUB, withoutRegions } from './regions';

export interface Released {
  notebook: Notebook;
  /** The file's text: JSON as Jupyter writes it (one-space indent, a newline at the end). */
  text: string;
  graded: GradedCell[];
  /** How many hidden-tests blocks and solution blocks were taken out. */
  hiddenBlocks: number;
  solutionBlocks: number;
}

export function releaseNotebook(source: Notebook): Released {
  const regions = cellRegions(source);
  const graded = gradedCellsOf(source, regions);
  const byIndex = new Map(graded.map((g) => [g.index, g]));
  const stub = codeStub(languageOf(source));
  let hiddenBlocks = 0;
  let solutionBlocks = 0;
  const cells = source.cells.map((cell, i): Cell => {
    const r = regions[i]!;
    hiddenBlocks += r.filter((x) => x.kind === 'hidden').length;
    solutionBlocks += r.filter((x) => x.kind === 'solution').length;
    const text = sourceOf(cell);
    if (cell.cell_type !== 'code') {
      return { ...cell, source: sourceLines(withoutRegions(text, r, 'solution', TEXT_STUB)) };
    }
    // Hidden tests first: a solution region never holds one (regions cannot nest), so the lines of the
    // other regions stay where they were.
    const withoutHidden = withoutRegions(text, r, 'hidden');
    const released = withoutRegions(withoutHidden, regionsOf(withoutHidden, `cell ${i + 1}`, true), 'solution', stub);
    const g = byIndex.get(i);
    const metadata = { ...cell.metadata };
    if (g) metadata.classlab = { grade_id: g.id, points: g.points };
    else delete metadata.classlab;
    return { ...cell, source: sourceLines(released), metadata, outputs: [], execution_count: null };
  });
  const notebook: Notebook = { ...source, cells };
  let text: string;
  try {
    text = `${JSON.stringify(sortedKeys(notebook), null, 1)}\n`;
  } catch (err) {
    throw new LabError('REFUSED', `The instructor's notebook cannot be written back: ${(err as Error).message}.`);
  }
  // The released text is checked the way it will be read, so nothing marked hidden is left in it.
  for (const [i, cell] of notebook.cells.entries()) {
    if (regionsOf(sourceOf(cell), `cell ${i + 1}`, cell.cell_type === 'code').length > 0)
      throw new LabError('INTERNAL', `Release left a marked block in cell ${i + 1}; nothing was written.`);
  }
  return { notebook, text, graded, hiddenBlocks, solutionBlocks };
}

/** Keys in sorted order at every level, as nbformat itself writes a notebook (sort_keys, indent 1). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(obj)
      .sort()
      .map((k) => [k, sortedKeys(obj[k])]),
  );
}
