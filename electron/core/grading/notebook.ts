// A Jupyter notebook (nbformat 4) as grading reads it: a zod schema for the parts grading uses, every
// other field kept as it was (a released notebook is the instructor's, minus what release removes).
// Notebooks are hostile input — a student's submission always, and a file named on a command line may be
// anything: sizes are capped, the text must be UTF-8, and anything that is not nbformat 4 is refused with
// a sentence that says what to do. Pure.
import { z } from 'zod';
import { LabError } from '../../api/errors';

/** The largest notebook file read (a submission's outputs — figures — make most of it). */
export const MAX_NOTEBOOK_BYTES = 16 * 1024 * 1024;
/** The most cells, and the largest source of one cell, a graded notebook may have. */
export const MAX_CELLS = 2000;
export const MAX_CELL_SOURCE = 256 * 1024;

const Source = z.union([z.string(), z.array(z.string())]);
const Metadata = z.record(z.string(), z.unknown());

const CellBase = {
  /** nbformat 4.5's cell id; kept through release, so a student's copy names the same cells. */
  id: z.string().max(64).optional(),
  source: Source,
  metadata: Metadata.optional(),
};
export const CodeCell = z.looseObject({
  ...CellBase,
  cell_type: z.literal('code'),
  outputs: z.array(z.unknown()).optional(),
  execution_count: z.number().int().nullable().optional(),
});
export const TextCell = z.looseObject({ ...CellBase, cell_type: z.enum(['markdown', 'raw']) });
export const Cell = z.discriminatedUnion('cell_type', [CodeCell, TextCell]);
export type Cell = z.infer<typeof Cell>;

export const Notebook = z.looseObject({
  nbformat: z.literal(4),
  nbformat_minor: z.number().int().min(0),
  metadata: Metadata,
  cells: z.array(Cell).max(MAX_CELLS),
});
export type Notebook = z.infer<typeof Notebook>;

/** A cell's source as one string (nbformat allows a list of lines). */
export function sourceOf(cell: Pick<Cell, 'source'>): string {
  return typeof cell.source === 'string' ? cell.source : cell.source.join('');
}

/** nbformat's usual shape for a source: lines, each with its newline but the last. */
export function sourceLines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\n');
  return parts.map((p, i) => (i < parts.length - 1 ? `${p}\n` : p)).filter((p) => p !== '');
}

/** The metadata object of `obj[key]` when it is an object, else null. */
export function objectAt(obj: Record<string, unknown> | undefined, key: string): Record<string, unknown> | null {
  const v = obj?.[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/**
 * Checks the bytes of a notebook file. `what` names it in the error ("the instructor's notebook",
 * "submission alice.ipynb"). Throws LabError(REFUSED) saying what is wrong; never a partial notebook.
 */
export function parseNotebook(bytes: Buffer | string, what: string): Notebook {
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  if (size > MAX_NOTEBOOK_BYTES) throw refused(what, `it is larger than ${MAX_NOTEBOOK_BYTES / (1024 * 1024)} MiB`);
  let text: string;
  try {
    text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw refused(what, 'it is not UTF-8 text (a notebook is JSON in UTF-8)');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw refused(what, `it is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const format = typeof doc === 'object' && doc !== null ? (doc as { nbformat?: unknown }).nbformat : undefined;
  if (typeof format === 'number' && format !== 4) throw refused(what, `it is nbformat ${format}; save it as nbformat 4 (any Jupyter of the last years does)`);
  const parsed = Notebook.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw refused(what, `it is not an nbformat 4 notebook (${issue.path.join('.') || 'the document'}: ${issue.message})`);
  }
  for (const [i, cell] of parsed.data.cells.entries()) {
    if (sourceOf(cell).length > MAX_CELL_SOURCE) throw refused(what, `cell ${i + 1} is larger than ${MAX_CELL_SOURCE / 1024} KiB`);
  }
  return parsed.data;
}

function refused(what: string, why: string): LabError {
  return new LabError('REFUSED', `${capitalized(what)} cannot be used: ${why}.`);
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The kernel a notebook names (metadata.kernelspec.name), checked; python3 when it names none. */
export function kernelOf(nb: Notebook): string {
  const name = objectAt(nb.metadata, 'kernelspec')?.name;
  if (name === undefined) return 'python3';
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(name))
    throw new LabError('REFUSED', `The notebook's kernel name ${JSON.stringify(name).slice(0, 80)} is not a kernel name (letters, digits, . _ -).`);
  return name;
}

/** The notebook's language, for the stub that replaces a solution (python when it does not say). */
export function languageOf(nb: Notebook): string {
  const info = objectAt(nb.metadata, 'language_info')?.name ?? objectAt(nb.metadata, 'kernelspec')?.language;
  return typeof info === 'string' ? info.toLowerCase() : 'python';
}
