import { describe, expect, it } from 'vitest';
import { isNotebookPath, notebookProblem } from '../../../electron/core/git/notebook';

const nb = (cells: unknown[]) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

describe('notebook validation', () => {
  it('accepts nbformat 4 and 3 notebooks', () => {
    expect(notebookProblem(nb([]))).toBeNull();
    expect(
      notebookProblem(
        nb([
          { cell_type: 'code', source: ['a\n', 'b'] },
          { cell_type: 'markdown', source: '# x' },
        ]),
      ),
    ).toBeNull();
    expect(notebookProblem(JSON.stringify({ nbformat: 3, worksheets: [] }))).toBeNull();
  });

  it.each([
    ['{"nbformat": 4, "cells": [', /not valid JSON/],
    ['[]', /not a JSON object/],
    ['{"cells": []}', /nbformat/],
    ['{"nbformat": 4}', /cells/],
    ['{"nbformat": 4, "cells": [1]}', /cell 1 is not an object/],
    ['{"nbformat": 4, "cells": [{"source": ""}]}', /cell_type/],
    ['{"nbformat": 4, "cells": [{"cell_type": "code", "source": [1]}]}', /source/],
    ['{"nbformat": 3}', /worksheets/],
    // What a line merge of two notebook edits can leave behind.
    ['{\n "cells": [\n<<<<<<< ours\n ],\n "nbformat": 4\n}', /not valid JSON/],
  ])('refuses %j', (text, problem) => {
    expect(notebookProblem(text)).toMatch(problem);
  });

  it('knows notebook paths', () => {
    expect(isNotebookPath('a/b.ipynb')).toBe(true);
    expect(isNotebookPath('B.IPYNB')).toBe(true);
    expect(isNotebookPath('b.ipynb.bak')).toBe(false);
  });
});
