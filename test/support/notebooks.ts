// Notebooks for grading tests, written the way Jupyter saves them (nbformat 4.5: cell ids, outputs).
import { parseNotebook, type Notebook } from '../../electron/core/grading/notebook';

export type CellSpec = { type?: 'code' | 'markdown'; source: string | string[]; metadata?: Record<string, unknown>; id?: string };

/** The notebook's JSON document; cell ids c0, c1, … unless given; code cells carry an old output. */
export function notebookDoc(cells: CellSpec[], metadata: Record<string, unknown> = { kernelspec: { name: 'python3', language: 'python' } }): unknown {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata,
    cells: cells.map((c, i) => ({
      id: c.id ?? `c${i}`,
      cell_type: c.type ?? 'code',
      source: c.source,
      metadata: c.metadata ?? {},
      ...(c.type === 'markdown' ? {} : { outputs: [{ output_type: 'stream', name: 'stdout', text: 'old output' }], execution_count: 7 }),
    })),
  };
}

export function notebook(cells: CellSpec[], metadata?: Record<string, unknown>): Notebook {
  return parseNotebook(JSON.stringify(notebookDoc(cells, metadata)), 'the test notebook');
}
