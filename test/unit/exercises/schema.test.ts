import { describe, expect, it } from 'vitest';
import { parseExercise, problemOf } from '../../../electron/core/exercises/schema';

const good = {
  format: 1,
  title: 'Sum',
  languages: ['python', 'c'],
  starter: { python: 'print(0)\n' },
  tests: [
    { stdin: '1 2\n', expected: '3\n' },
    { name: 'big', stdin: '5 5', expected: '10', hidden: true, points: 2, compare: 'exact', timeSeconds: 1, memoryMiB: 64 },
  ],
};
const parse = (json: unknown, statement = '# Sum') => parseExercise('python', 'sum', typeof json === 'string' ? json : JSON.stringify(json), statement);
const problem = (json: unknown, statement?: string): string => {
  try {
    parse(json, statement);
  } catch (err) {
    return problemOf(err);
  }
  throw new Error('parsed');
};

describe('the exercise file', () => {
  it('applies the defaults to each test and numbers them', () => {
    const ex = parse(good);
    expect(ex.tests.map((t) => [t.number, t.name, t.compare, t.points, t.hidden, t.timeSeconds, t.memoryMiB])).toEqual([
      [1, 'test 1', 'trailing-whitespace', 1, false, 2, 256],
      [2, 'big', 'exact', 2, true, 1, 64],
    ]);
    expect(ex.tests[0]!.tolerance).toEqual({ absolute: 1e-6, relative: 0 });
  });

  it('refuses hostile or mistaken input, naming the field', () => {
    expect(problem('{"format": 1,')).toMatch(/JSON/);
    expect(problem([])).toMatch(/expected object/);
    expect(problem({ ...good, format: 2 })).toMatch(/^format:/);
    expect(problem({ ...good, extra: true })).toMatch(/extra/);
    expect(problem({ ...good, __proto__: { hidden: false }, tests: [{ expected: '1', hiden: true }] })).toMatch(/tests\.0: .*hiden/);
    expect(problem({ ...good, languages: ['cobol'] })).toMatch(/^languages\.0:/);
    expect(problem({ ...good, languages: ['c', 'c'] })).toMatch(/once/);
    expect(problem({ ...good, languages: [] })).toMatch(/^languages:/);
    expect(problem({ ...good, tests: [] })).toMatch(/^tests:/);
    expect(problem({ ...good, tests: Array.from({ length: 101 }, () => ({ expected: '' })) })).toMatch(/^tests:/);
    expect(problem({ ...good, tests: [{ expected: 'x'.repeat(64 * 1024 + 1) }] })).toMatch(/tests\.0\.expected/);
    expect(problem({ ...good, tests: [{ expected: '', stdin: 'x'.repeat(1024 * 1024 + 1) }] })).toMatch(/tests\.0\.stdin/);
    expect(problem({ ...good, tests: [{ expected: '', timeSeconds: 3600 }] })).toMatch(/timeSeconds/);
    expect(problem({ ...good, tests: [{ expected: '', memoryMiB: 1e9 }] })).toMatch(/memoryMiB/);
    expect(problem({ ...good, tests: [{ expected: '', points: -1 }] })).toMatch(/points/);
    expect(problem({ ...good, tests: [{ expected: '', hidden: 'yes' }] })).toMatch(/hidden/);
    expect(problem({ ...good, tests: [{ expected: 1 }] })).toMatch(/expected/);
    expect(problem({ ...good, tolerance: { absolute: -1 } })).toMatch(/tolerance\.absolute/);
    expect(problem({ ...good, starter: { bash: 'echo' } })).toMatch(/bash/);
    expect(problem({ ...good, title: ' ' })).toMatch(/title/);
    expect(problem(good, 'a\u0000b')).toMatch(/NUL/);
    expect(problem(good, 'x'.repeat(256 * 1024 + 1))).toMatch(/256 KiB/);
  });
});
