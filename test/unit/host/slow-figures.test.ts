// The overview's slow figures (host-status.ts SlowFigures) on a clock the test moves, and the limit
// check's one reading of disk and processes (labs/limits.ts), as a lab's shell prints it.
import { describe, expect, it } from 'vitest';
import { SlowFigures } from '../../../electron/core/host/host-status';
import { parseLimitReading } from '../../../electron/core/labs/limits';

const disk = { sizeBytes: 1000, freeBytes: 400 };

describe('slow figures between readings', () => {
  it('reads a disk again only after DISK_MS, and each container on its own', async () => {
    const slow = new SlowFigures();
    let reads = 0;
    const read = () => Promise.resolve((reads++, disk));
    expect(await slow.diskOf('a', 0, read)).toEqual(disk);
    expect(await slow.diskOf('a', SlowFigures.DISK_MS - 1, read)).toEqual(disk);
    expect(reads).toBe(1);
    await slow.diskOf('b', 10, read);
    expect(reads).toBe(2);
    await slow.diskOf('a', SlowFigures.DISK_MS, read);
    expect(reads).toBe(3);
  });

  it('keeps no failed read, and forgets containers that no longer run', async () => {
    const slow = new SlowFigures();
    let reads = 0;
    const failing = () => Promise.resolve((reads++, null));
    expect(await slow.startedOf('a', 0, failing)).toBeNull();
    expect(await slow.startedOf('a', 1, failing)).toBeNull();
    expect(reads).toBe(2);
    const started = () => Promise.resolve((reads++, '2026-12-02T10:00:00Z'));
    await slow.startedOf('a', 2, started);
    await slow.startedOf('a', 3, started);
    expect(reads).toBe(3);
    slow.keepOnly(new Set(['other']));
    await slow.startedOf('a', 4, started);
    expect(reads).toBe(4);
  });
});

describe('the limit check reading', () => {
  it('reads statfs on the first line and the process count on the second', () => {
    expect(parseLimitReading('4096 1000 250\n37\n')).toEqual({ usage: { sizeBytes: 4096000, freeBytes: 1024000 }, pids: 37 });
  });
  it('keeps the process count when the disk could not be read, and the reverse', () => {
    expect(parseLimitReading('-\n12\n')).toEqual({ usage: null, pids: 12 });
    expect(parseLimitReading('4096 10 5\n\n')).toEqual({ usage: { sizeBytes: 40960, freeBytes: 20480 }, pids: null });
  });
  it('believes nothing odd a lab prints', () => {
    expect(parseLimitReading('')).toEqual({ usage: null, pids: null });
    expect(parseLimitReading('x y z\nmany\n')).toEqual({ usage: null, pids: null });
    expect(parseLimitReading('4096 10 5\n-3\n').pids).toBeNull();
  });
});
