// When warm labs are wanted, and which go first when memory is short: pure rules with any clock.
import { describe, expect, it } from 'vitest';
import { WarmLabs } from '../../electron/api/contract';
import { inWindow, warmToEvict, warmWanted } from '../../electron/core/labs/warm-schedule';

// Monday 1 December 2025 … local time, as the schedule is.
const at = (day: number, hh: number, mm: number) => new Date(2025, 11, day, hh, mm);

describe('warm-lab windows', () => {
  const monFri = { days: [1, 2, 3, 4, 5], from: '08:55', until: '10:30' };

  it('is inside from its start up to (not including) its end, on its days only', () => {
    expect(inWindow(monFri, at(1, 8, 54))).toBe(false);
    expect(inWindow(monFri, at(1, 8, 55))).toBe(true);
    expect(inWindow(monFri, at(1, 10, 29))).toBe(true);
    expect(inWindow(monFri, at(1, 10, 30))).toBe(false);
    expect(inWindow(monFri, at(6, 9, 0))).toBe(false); // Saturday
  });

  it('wants every listed lab (once) while any window is open, or always when there is none', () => {
    expect(warmWanted({ labs: ['python', 'r', 'python'], windows: [] }, at(6, 3, 0))).toEqual(['python', 'r']);
    expect(warmWanted({ labs: ['python'], windows: [monFri, { days: [6], from: '12:00', until: '13:00' }] }, at(6, 12, 30))).toEqual(['python']);
    expect(warmWanted({ labs: ['python'], windows: [monFri] }, at(6, 12, 30))).toEqual([]);
  });

  it('refuses a window that ends before it starts, a bad time, no days, or a bad lab id', () => {
    expect(WarmLabs.safeParse({ labs: [], windows: [{ days: [1], from: '10:00', until: '09:00' }] }).success).toBe(false);
    expect(WarmLabs.safeParse({ labs: [], windows: [{ days: [1], from: '24:00', until: '24:30' }] }).success).toBe(false);
    expect(WarmLabs.safeParse({ labs: [], windows: [{ days: [], from: '08:00', until: '09:00' }] }).success).toBe(false);
    expect(WarmLabs.safeParse({ labs: ['../x'], windows: [] }).success).toBe(false);
    expect(WarmLabs.safeParse({ labs: [], windows: [], extra: 1 }).success).toBe(false);
  });
});

describe('warm labs when memory is short', () => {
  const warm = [
    { labId: 'old', memoryMiB: 2048, since: 1 },
    { labId: 'new', memoryMiB: 2048, since: 2 },
  ];
  it('stops the newest warm labs first until the labs fit in 90 % of the engine', () => {
    expect(warmToEvict(warm, 8192, 10240)).toEqual([]);
    expect(warmToEvict(warm, 10240, 10240)).toEqual(['new']);
    expect(warmToEvict(warm, 14000, 10240)).toEqual(['new', 'old']);
  });
});
