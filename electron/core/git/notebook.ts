// The notebook rule: a sync never leaves a .ipynb that Jupyter cannot open. Notebooks are JSON, and a
// line-based merge of JSON can drop a comma or a bracket, so course sync never merges notebooks by
// lines: when both the student and the instructor changed one, the student's stays and the instructor's
// is written beside it (see sync-names.ts). This file only says whether a text is a notebook Jupyter
// can read (nbformat 4, or 3 with worksheets). Pure.

export function isNotebookPath(p: string): boolean {
  return /\.ipynb$/i.test(p);
}

/** Why `text` is not a readable notebook, or null when it is. */
export function notebookProblem(text: string): string | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${err instanceof Error ? err.message : String(err)})`;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'not a JSON object';
  const nb = doc as Record<string, unknown>;
  if (typeof nb.nbformat !== 'number') return 'no "nbformat" number';
  if (nb.nbformat >= 4) {
    if (!Array.isArray(nb.cells)) return 'no "cells" list';
    for (const [i, cell] of nb.cells.entries()) {
      if (typeof cell !== 'object' || cell === null) return `cell ${i + 1} is not an object`;
      const c = cell as Record<string, unknown>;
      if (typeof c.cell_type !== 'string') return `cell ${i + 1} has no "cell_type"`;
      if (typeof c.source !== 'string' && !(Array.isArray(c.source) && c.source.every((s) => typeof s === 'string'))) {
        return `cell ${i + 1} has no text "source"`;
      }
    }
    return null;
  }
  if (!Array.isArray(nb.worksheets)) return 'an old notebook (nbformat 3) without "worksheets"';
  return null;
}
