// The grades CSV (core/grading/csv.ts): one row per submission, every hostile name escaped for CSV and
// for spreadsheets that run formulas.
import { describe, expect, it } from 'vitest';
import type { GradeResult } from '../../electron/api/contract';
import { csvField, gradesCsv } from '../../electron/core/grading/csv';

const result = (submission: string, points: Record<string, number>, max: number): GradeResult => ({
  submission,
  lab: 'python',
  kernel: 'python3',
  cells: Object.entries(points).map(([id, p]) => ({ id, status: p > 0 ? 'passed' : 'error', points: p, maxPoints: p, reason: null, restored: false })),
  points: Object.values(points).reduce((a, b) => a + b, 0),
  maxPoints: max,
  timeMs: 1,
});

describe('grades CSV', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain.ipynb')).toBe('plain.ipynb');
    expect(csvField('a,b.ipynb')).toBe('"a,b.ipynb"');
    expect(csvField('say "hi".ipynb')).toBe('"say ""hi"".ipynb"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('defuses what a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('a=b')).toBe('a=b');
  });

  it("one row per submission, in the instructor's cell order; a submission not graded has empty cells", () => {
    const csv = gradesCsv(['cell-3', 'hidden_sq'], 3, [
      { submission: 'subs/alice.ipynb', result: result('subs/alice.ipynb', { hidden_sq: 2, 'cell-3': 1 }, 3) },
      { submission: 'subs/=bob,1.ipynb', result: result('subs/=bob,1.ipynb', { 'cell-3': 0.5, hidden_sq: 0 }, 3) },
      { submission: 'subs/broken.ipynb', result: null },
    ]);
    expect(csv).toBe('submission,cell-3,hidden_sq,total,max\r\nsubs/alice.ipynb,1,2,3,3\r\n"subs/=bob,1.ipynb",0.5,0,0.5,3\r\nsubs/broken.ipynb,,,,3\r\n');
  });
});
