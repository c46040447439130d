// Release (core/grading/release.ts) and the checks it shares with grading: what the student's copy
// keeps and loses, the ids graded cells get, and every instructor's mistake refused with nothing made.
import { describe, expect, it } from 'vitest';
import { gradedCellsOf } from '../../electron/core/grading/graded-cells';
import { kernelOf, MAX_NOTEBOOK_BYTES, parseNotebook, sourceOf } from '../../electron/core/grading/notebook';
import { releaseNotebook } from '../../electron/core/grading/release';
import { notebook, type CellSpec } from '../support/notebooks';

const SOLUTION = 'def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION\n';
const HIDDEN = "assert square(2) == 4\n### BEGIN HIDDEN TESTS\nassert square(-4) == 16, 'negative'\n### END HIDDEN TESTS\nprint('after')";

describe('release', () => {
  it('removes hidden tests, stubs solutions at their indentation, clears outputs and ids the graded cells', () => {
    const nb = notebook([
      { type: 'markdown', source: '# Squares' },
      { source: SOLUTION },
      { source: ['# points: 2\n', 'assert square(3) == 9\n'] },
      { source: HIDDEN, metadata: { nbgrader: { grade: true, solution: false, grade_id: 'hidden_sq', points: 3 } } },
    ]);
    const r = releaseNotebook(nb);
    expect(r.graded.map((g) => [g.id, g.index, g.points])).toEqual([
      ['cell-3', 2, 2],
      ['hidden_sq', 3, 3],
    ]);
    expect([r.hiddenBlocks, r.solutionBlocks]).toEqual([1, 1]);
    const cells = r.notebook.cells;
    expect(sourceOf(cells[1]!)).toBe('def square(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n');
    expect(sourceOf(cells[3]!)).toBe("assert square(2) == 4\nprint('after')");
    expect(cells[2]!.metadata).toEqual({ classlab: { grade_id: 'cell-3', points: 2 } });
    expect(cells[3]!.metadata).toMatchObject({ classlab: { grade_id: 'hidden_sq', points: 3 }, nbgrader: { grade_id: 'hidden_sq' } });
    for (const c of cells) if (c.cell_type === 'code') expect([c.outputs, c.execution_count]).toEqual([[], null]);
    // Cell ids stay, so a student's copy names the same cells.
    expect(cells.map((c) => c.id)).toEqual(['c0', 'c1', 'c2', 'c3']);
    // The file's text: nothing of the hidden test or the solution, and it reads back as a notebook.
    expect(r.text).not.toMatch(/negative|x \* x|HIDDEN|SOLUTION|old output/);
    expect(parseNotebook(r.text, 'released').cells).toHaveLength(4);
    expect(r.text.endsWith('}\n')).toBe(true);
  });

  it('the source file itself is never changed: ids are derived, the same every time', () => {
    const nb = notebook([{ source: SOLUTION }, { source: HIDDEN }]);
    const before = JSON.stringify(nb);
    expect(releaseNotebook(nb).text).toBe(releaseNotebook(nb).text);
    expect(JSON.stringify(nb)).toBe(before);
    expect(gradedCellsOf(nb).map((g) => g.id)).toEqual(['cell-2']);
  });

  it('stubs by language, and a solution in a text cell becomes YOUR ANSWER HERE', () => {
    const r = releaseNotebook(
      notebook(
        [
          { source: 'f <- function(x) {\n  ### BEGIN SOLUTION\n  x^2\n  ### END SOLUTION\n}' },
          { type: 'markdown', source: 'Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION' },
        ],
        { kernelspec: { name: 'ir', language: 'R' }, language_info: { name: 'R' } },
      ),
    );
    expect(sourceOf(r.notebook.cells[0]!)).toBe('f <- function(x) {\n  # YOUR CODE HERE\n  stop("No answer given")\n}');
    expect(sourceOf(r.notebook.cells[1]!)).toBe('Why?\nYOUR ANSWER HERE');
  });

  it('a manually graded answer (nbgrader solution + grade) is not an autograded cell; grade false is not graded', () => {
    const nb = notebook([
      { source: SOLUTION, metadata: { nbgrader: { grade: true, solution: true, grade_id: 'manual', points: 5 } } },
      { source: 'x = 1\n# points: 4', metadata: { nbgrader: { grade: false, solution: false } } },
      { source: 'assert True', metadata: { nbgrader: { grade: true, solution: false } } },
    ]);
    expect(gradedCellsOf(nb).map((g) => [g.id, g.points])).toEqual([['cell-3', 1]]);
  });

  const refused = (cells: CellSpec[], pattern: RegExp) => {
    expect(() => releaseNotebook(notebook(cells))).toThrow(pattern);
    try {
      releaseNotebook(notebook(cells));
    } catch (err) {
      expect(err).toMatchObject({ code: 'REFUSED' });
    }
  };

  it('refuses unbalanced, nested and crossed markers, naming cell and line', () => {
    refused([{ source: 'x\n### BEGIN HIDDEN TESTS\nassert x' }], /cell 1, line 2: BEGIN HIDDEN TESTS is never closed/);
    refused([{ source: 'x\n### END SOLUTION' }], /cell 1, line 2: END SOLUTION without its BEGIN/);
    refused(
      [{ source: '### BEGIN SOLUTION\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS\n### END SOLUTION' }],
      /line 2: BEGIN HIDDEN TESTS inside the SOLUTION block of line 1/,
    );
    refused([{ source: '### BEGIN SOLUTION\nx = 1\n### END HIDDEN TESTS' }], /END HIDDEN TESTS closes the SOLUTION block/);
  });

  it('refuses a marker that is not alone on its line (it would not be recognised, and would publish the test)', () => {
    refused([{ source: 'x = 1  ### BEGIN HIDDEN TESTS\nassert x\n### END HIDDEN TESTS' }], /mentions a marker but is not one/);
    refused([{ source: '## begin hidden tests\nassert x' }], /mentions a marker/);
  });

  it('refuses hidden tests that grading would never run or that a student would see', () => {
    refused([{ type: 'markdown', source: '### BEGIN HIDDEN TESTS\nsecret\n### END HIDDEN TESTS' }], /text cell would be shown to students/);
    refused(
      [{ source: '### BEGIN HIDDEN TESTS\nassert x\n### END HIDDEN TESTS', metadata: { nbgrader: { grade: false, solution: false } } }],
      /hidden tests but is not a graded cell/,
    );
    refused([{ source: `${SOLUTION}# points: 1` }], /also holds a solution/);
  });

  it('refuses duplicate and malformed grade ids, and bad points', () => {
    const g = (id: unknown, points: unknown = 1) => ({ source: 'assert True', metadata: { nbgrader: { grade: true, solution: false, grade_id: id, points } } });
    refused([g('t1'), g('t1')], /cell 2: its id t1 is the id of cell 1 too/);
    refused([g('cell-2'), { source: '# points: 1' }], /its id cell-2 is the id of cell 1 too/);
    refused([g('a,b')], /is not an id/);
    refused([g('t1', -1)], /points must be a number/);
    refused([g('t1', '3')], /points must be a number/);
  });
});

describe('reading a notebook', () => {
  const bytes = (doc: unknown) => Buffer.from(JSON.stringify(doc));
  const read = (b: Buffer | string) => () => parseNotebook(b, 'submission a.ipynb');

  it('takes sources as a string or a list of lines, and a BOM', () => {
    const nb = parseNotebook(
      `\ufeff${JSON.stringify({ nbformat: 4, nbformat_minor: 2, metadata: {}, cells: [{ cell_type: 'code', source: ['a\n', 'b'], metadata: {}, outputs: [], execution_count: null }] })}`,
      'x',
    );
    expect(sourceOf(nb.cells[0]!)).toBe('a\nb');
    expect(kernelOf(nb)).toBe('python3');
  });

  it('refuses what is not an nbformat 4 notebook, with a sentence', () => {
    expect(read(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toThrow(/Submission a.ipynb cannot be used: it is not UTF-8 text/);
    expect(read('{"nbformat": 3, "worksheets": []}')).toThrow(/it is nbformat 3; save it as nbformat 4/);
    expect(read('not json')).toThrow(/it is not JSON/);
    expect(read(bytes({ nbformat: 4, nbformat_minor: 0, metadata: {}, cells: [{ cell_type: 'code', source: 3 }] }))).toThrow(/cells.0.source/);
    expect(read(bytes({ nbformat: 4, nbformat_minor: 0, metadata: {}, cells: [{ cell_type: 'picture', source: '' }] }))).toThrow(/not an nbformat 4 notebook/);
    expect(read(bytes([1, 2]))).toThrow(/not an nbformat 4 notebook/);
  });

  it('caps sizes: the file, one cell', () => {
    expect(read(Buffer.alloc(MAX_NOTEBOOK_BYTES + 1, 0x20))).toThrow(/larger than 16 MiB/);
    expect(read(bytes({ nbformat: 4, nbformat_minor: 0, metadata: {}, cells: [{ cell_type: 'code', source: 'x'.repeat(300 * 1024), metadata: {} }] }))).toThrow(
      /cell 1 is larger than 256 KiB/,
    );
  });

  it('checks the kernel name it will start', () => {
    const nb = (name: unknown) => parseNotebook(bytes({ nbformat: 4, nbformat_minor: 0, metadata: { kernelspec: { name } }, cells: [] }), 'x');
    expect(kernelOf(nb('ir'))).toBe('ir');
    expect(() => kernelOf(nb('python3; rm -rf /'))).toThrow(/not a kernel name/);
    expect(() => kernelOf(nb(['x']))).toThrow(/not a kernel name/);
  });
});
