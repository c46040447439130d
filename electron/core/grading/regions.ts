// nbgrader's marked regions in a cell's source: `### BEGIN SOLUTION` … `### END SOLUTION` (the
// instructor's answer, replaced by a stub in the student's copy) and `### BEGIN HIDDEN TESTS` …
// `### END HIDDEN TESTS` (tests the student never sees, put back only when grading). Pure.
//
// Stricter than nbgrader on purpose, because a marker that is not recognised publishes what it should
// hide: a marker is a line of its own (any indentation, then a comment sign — #, % or // — then the
// words), regions must be closed and cannot nest, and a code line that merely mentions "BEGIN HIDDEN
// TESTS" (a marker with code before it, a typo in the comment sign) is an error, not code.
import { LabError } from '../../api/errors';

export type RegionKind = 'solution' | 'hidden';

export interface Region {
  kind: RegionKind;
  /** 0-based line numbers of the BEGIN and END lines. */
  begin: number;
  end: number;
  /** The BEGIN line's indentation (a stub keeps it). */
  indent: string;
}

const MARKER = /^([ \t]*)(?:#+|%+|\/\/+)[ \t]*(BEGIN|END) (SOLUTION|HIDDEN TESTS)[ \t]*\r?$/;
const MENTION = /(BEGIN|END)\s+(SOLUTION|HIDDEN\s+TESTS)/i;

function kindOf(words: string): RegionKind {
  return words === 'SOLUTION' ? 'solution' : 'hidden';
}

const NAMES: Record<RegionKind, string> = { solution: 'SOLUTION', hidden: 'HIDDEN TESTS' };

/**
 * The regions of one cell's source, checked. `where` names the cell in errors ("cell 4"). `strict`: a
 * line that mentions a marker without being one is an error (code cells); text cells may talk about them.
 */
export function regionsOf(text: string, where: string, strict: boolean): Region[] {
  const lines = text.split('\n');
  const found: Region[] = [];
  let open: { kind: RegionKind; begin: number; indent: string } | null = null;
  const fail = (line: number, why: string): never => {
    throw new LabError('REFUSED', `The instructor's notebook, ${where}, line ${line + 1}: ${why}.`);
  };
  for (const [i, line] of lines.entries()) {
    const m = MARKER.exec(line);
    if (!m) {
      if (strict && MENTION.test(line))
        fail(i, `"${line.trim().slice(0, 60)}" mentions a marker but is not one; write it alone on its line, as ### BEGIN HIDDEN TESTS`);
      continue;
    }
    const kind = kindOf(m[3]!);
    if (m[2] === 'BEGIN') {
      if (open) fail(i, `BEGIN ${NAMES[kind]} inside the ${NAMES[open.kind]} block of line ${open.begin + 1}; blocks cannot nest`);
      open = { kind, begin: i, indent: m[1]! };
      continue;
    }
    if (!open) return fail(i, `END ${NAMES[kind]} without its BEGIN`);
    if (open.kind !== kind) fail(i, `END ${NAMES[kind]} closes the ${NAMES[open.kind]} block of line ${open.begin + 1}`);
    found.push({ kind, begin: open.begin, end: i, indent: open.indent });
    open = null;
  }
  if (open) fail(open.begin, `BEGIN ${NAMES[open.kind]} is never closed (END ${NAMES[open.kind]})`);
  return found;
}

/**
 * The source with every region of `kind` taken out: hidden tests removed with their marker lines;
 * solutions replaced by `stub` (one line each, at the BEGIN line's indentation).
 */
export function withoutRegions(text: string, regions: readonly Region[], kind: RegionKind, stub: readonly string[] = []): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let i = 0;
  for (const r of regions.filter((x) => x.kind === kind)) {
    out.push(...lines.slice(i, r.begin));
    for (const s of stub) out.push(`${r.indent}${s}`);
    i = r.end + 1;
  }
  out.push(...lines.slice(i));
  return out.join('\n');
}

/** The stub of a solution region in a code cell, by the notebook's language (nbgrader's, in spirit). */
export function codeStub(language: string): string[] {
  if (language === 'python') return ['# YOUR CODE HERE', 'raise NotImplementedError()'];
  if (language === 'r') return ['# YOUR CODE HERE', 'stop("No answer given")'];
  if (language === 'octave' || language === 'matlab') return ['% YOUR CODE HERE', "error('No answer given')"];
  return ['# YOUR CODE HERE'];
}

/** The stub of a solution region in a Markdown cell. */
export const TEXT_STUB = ['YOUR ANSWER HERE'];
