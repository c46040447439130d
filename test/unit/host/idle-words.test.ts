// The words of the idle warning and the cap dialog (renderer/src/idleWords.ts).
import { describe, expect, it } from 'vitest';
import { idleTimeWords, untilWords, warningText } from '../../../renderer/src/idleWords';

describe('idle words', () => {
  it('counts down in minutes, then in seconds', () => {
    expect(untilWords(5 * 60_000, 0)).toBe('5 minutes');
    expect(untilWords(61_000, 0)).toBe('2 minutes');
    expect(untilWords(60_000, 0)).toBe('1 minute');
    expect(untilWords(45_000, 0)).toBe('45 seconds');
    expect(untilWords(1000, 0)).toBe('1 second');
    expect(untilWords(0, 5000)).toBe('0 seconds');
  });

  it('says the warning as the issue words it', () => {
    expect(warningText(5 * 60_000, 25, 0)).toBe('This lab stops in 5 minutes because nothing happened in it for 25 minutes.');
    expect(warningText(25_000, 0, 0)).toBe('This lab stops in 25 seconds because nothing happened in it for less than a minute.');
  });

  it("says a running lab's idle time, or why it is busy", () => {
    const base = { labId: 'a', title: 'A', idleMinutes: 30, idleSince: 0, stopsAt: null };
    expect(idleTimeWords({ ...base, idleSeconds: 754, busy: [] })).toBe('idle for 12 min');
    expect(idleTimeWords({ ...base, idleSeconds: 20, busy: [] })).toBe('idle for less than a minute');
    expect(idleTimeWords({ ...base, idleSeconds: 0, busy: ['a kernel is busy', 'CPU 98 %'] })).toBe('busy: a kernel is busy, CPU 98 %');
    expect(idleTimeWords(undefined)).toBe('idle time not known yet');
  });
});
