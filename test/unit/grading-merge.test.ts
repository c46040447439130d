// What a grading run executes (core/grading/merge.ts): the student's cells with each graded cell replaced
// by the instructor's full version, and graded cells the student deleted put back where they were.
import { describe, expect, it } from 'vitest';
import { gradedCellsOf } from '../../electron/core/grading/graded-cells';
import { mergeSubmission } from '../../electron/core/grading/merge';
import { releaseNotebook } from '../../electron/core/grading/release';
import { sourceOf, type Notebook } from '../../electron/core/grading/notebook';
import { notebook } from '../support/notebooks';

const source = notebook([
  { id: 'intro', type: 'markdown', source: '# Squares' },
  { id: 'solve', source: 'def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION' },
  { id: 'visible', source: '# points: 1\nassert square(3) == 9' },
  { id: 'between', type: 'markdown', source: 'More.' },
  { id: 'hidden', source: 'assert square(2) == 4\n### BEGIN HIDDEN TESTS\nassert square(-4) == 16\n### END HIDDEN TESTS' },
  { id: 'last', type: 'markdown', source: 'The end.' },
]);
const graded = gradedCellsOf(source);
const released = releaseNotebook(source).notebook;
const STUB = sourceOf(released.cells[1]!);
const INSTRUCTOR_HIDDEN = 'assert square(2) == 4\n### BEGIN HIDDEN TESTS\nassert square(-4) == 16\n### END HIDDEN TESTS';

/** The student's copy with changes: cells by id, each replaced, removed or moved. */
function student(edit: (cells: Notebook['cells']) => Notebook['cells']): Notebook {
  return { ...released, cells: edit(released.cells.map((c) => ({ ...c }))) };
}
const withSource = (cells: Notebook['cells'], id: string, src: string) => cells.map((c) => (c.id === id ? { ...c, source: src } : c));
const run = (nb: Notebook) => mergeSubmission(source, graded, nb);
const ids = (nb: Notebook) => run(nb).cells.map((c) => c.id ?? c.source);

describe('merge', () => {
  it("runs the student's code and the instructor's graded cells, hidden tests included", () => {
    const m = run(student((cells) => withSource(cells, 'solve', 'def square(x):\n    return x * x')));
    expect(m.cells).toEqual([
      { id: null, source: 'def square(x):\n    return x * x', graded: false },
      { id: 'cell-3', source: '# points: 1\nassert square(3) == 9', graded: true },
      { id: 'cell-5', source: INSTRUCTOR_HIDDEN, graded: true },
    ]);
    expect(m.restored).toEqual([]);
  });

  it('replaces whatever the student wrote in a graded cell; a copy of it runs once', () => {
    const m = run(
      student((cells) => {
        const edited = withSource(cells, 'hidden', 'pass  # tests deleted');
        const copy = { ...edited.find((c) => c.id === 'hidden')!, id: 'copy' };
        return [...edited, copy];
      }),
    );
    expect(m.cells.filter((c) => c.id === 'cell-5')).toEqual([{ id: 'cell-5', source: INSTRUCTOR_HIDDEN, graded: true }]);
    expect(m.cells.map((c) => c.source).join('\n')).not.toContain('tests deleted');
  });

  it('a deleted graded cell runs where it was: after the nearest earlier cell the submission still has', () => {
    expect(ids(student((cells) => cells.filter((c) => c.id !== 'hidden')))).toEqual([STUB, 'cell-3', 'cell-5']);
    // The student added a cell after the markdown cell that preceded the deleted one: the test goes before it.
    const added = student((cells) => {
      const i = cells.findIndex((c) => c.id === 'between');
      const rest = cells.filter((c) => c.id !== 'hidden');
      rest.splice(i + 1, 0, { id: 'mine', cell_type: 'code', source: 'print(1)', metadata: {}, outputs: [] });
      return rest;
    });
    expect(ids(added).slice(1)).toEqual(['cell-3', 'cell-5', 'print(1)']);
    expect(run(added).restored).toEqual(['cell-5']);
  });

  it('finds a graded cell whose metadata was lost by its nbformat id, else puts it back by position', () => {
    const stripped = student((cells) => cells.map((c) => (c.id === 'visible' ? { ...c, metadata: {}, source: 'pass' } : c)));
    expect(run(stripped).cells.find((c) => c.id === 'cell-3')).toEqual({ id: 'cell-3', source: '# points: 1\nassert square(3) == 9', graded: true });
    // No cell ids at all (an old notebook) and no metadata: every graded cell goes to the end, in order.
    const bare = student((cells) => cells.map((c) => ({ ...c, id: undefined, metadata: {} })));
    expect(ids(bare).slice(-2)).toEqual(['cell-3', 'cell-5']);
    expect(run(bare).restored).toEqual(['cell-3', 'cell-5']);
  });

  it('before the nearest later cell when nothing earlier is left, and markdown never runs', () => {
    // The student kept only the last markdown cell, and wrote cells of their own before and after it.
    const mine = (id: string, source: string) => ({ id, cell_type: 'code' as const, source, metadata: {}, outputs: [] });
    const onlyLater = student((cells) => [mine('m1', 'print(1)'), ...cells.filter((c) => c.id === 'last'), mine('m2', 'print(2)')]);
    const m = run(onlyLater);
    expect(ids(onlyLater)).toEqual(['print(1)', 'cell-3', 'cell-5', 'print(2)']);
    expect(m.restored).toEqual(['cell-3', 'cell-5']);
  });

  it("a cell of the student that claims an unknown grade id is just the student's code", () => {
    const m = run(
      student((cells) => [...cells, { id: 'x', cell_type: 'code', source: 'fake = 1', metadata: { classlab: { grade_id: 'nope' } }, outputs: [] }]),
    );
    expect(m.cells.at(-1)).toEqual({ id: null, source: 'fake = 1', graded: false });
  });
});
