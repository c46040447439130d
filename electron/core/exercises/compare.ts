// How a test's expected output is compared with what the program printed. Pure; runs on the host only.
import type { CompareMode } from '../../api/contract';

export interface Tolerance {
  /** |got − expected| at most this, or … */
  absolute: number;
  /** … at most this fraction of |expected|. */
  relative: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { absolute: 1e-6, relative: 0 };

/** A decimal number as a program prints it (no hex, no inf/nan: those compare as words). */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Lines without their trailing spaces, tabs and carriage returns, and without empty lines at the end. */
export function withoutTrailingWhitespace(text: string): string {
  const lines = text.split('\n').map((l) => l.replace(/[ \t\r\f\v]+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

function tokens(text: string): string[] {
  return text.split(/\s+/).filter((t) => t !== '');
}

function numbersMatch(got: string, expected: string, tol: Tolerance): boolean {
  if (got === expected) return true;
  if (!NUMBER.test(got) || !NUMBER.test(expected)) return false;
  const g = Number(got);
  const e = Number(expected);
  if (!Number.isFinite(g) || !Number.isFinite(e)) return false;
  const diff = Math.abs(g - e);
  return diff <= tol.absolute || diff <= tol.relative * Math.abs(e);
}

/**
 * Whether the output passes: `exact` byte for byte; `trailing-whitespace` line by line, ignoring spaces at
 * line ends and empty lines at the end; `numbers` word by word (any whitespace between), numbers within the
 * tolerance, other words exactly.
 */
export function outputMatches(got: string, expected: string, mode: CompareMode, tol: Tolerance = DEFAULT_TOLERANCE): boolean {
  if (mode === 'exact') return got === expected;
  if (mode === 'trailing-whitespace') return withoutTrailingWhitespace(got) === withoutTrailingWhitespace(expected);
  const g = tokens(got);
  const e = tokens(expected);
  return g.length === e.length && g.every((t, i) => numbersMatch(t, e[i]!, tol));
}
