// The grades of many submissions as one CSV (RFC 4180): `submission,<id1>,<id2>,…,total,max`, one row
// per submission. Submission names come from file names a student may have chosen, so every field is
// quoted when it holds a comma, quote or line break, and one that a spreadsheet would read as a formula
// (starting with = + - @, a tab or a carriage return) gets a leading apostrophe. Pure.
import type { GradeResult } from '../../api/contract';

export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function figure(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

export interface CsvRow {
  submission: string;
  /** null: the submission could not be graded (its cells and total stay empty). */
  result: GradeResult | null;
}

/** `ids`: the graded cells' ids in the instructor's order; `max`: the notebook's total points. */
export function gradesCsv(ids: readonly string[], max: number, rows: readonly CsvRow[]): string {
  const lines = [['submission', ...ids, 'total', 'max']];
  for (const { submission, result } of rows) {
    if (!result) {
      lines.push([submission, ...ids.map(() => ''), '', figure(max)]);
      continue;
    }
    const points = new Map(result.cells.map((c) => [c.id, c.points]));
    lines.push([submission, ...ids.map((id) => figure(points.get(id) ?? 0)), figure(result.points), figure(result.maxPoints)]);
  }
  return lines.map((l) => `${l.map(csvField).join(',')}\r\n`).join('');
}
