// The host overview's pure parts in the renderer (renderer/src/host/overview.ts): history, sort, totals, sparkline.
import { describe, expect, it } from 'vitest';
import type { HostLabStatus, HostStatus } from '../../../electron/api/contract';
import { addSample, formatUptime, HISTORY_LENGTH, nextSort, sortLabs, sparkline, totals } from '../../../renderer/src/host/overview';

const MiB = 1024 * 1024;
const lab = (labId: string, over: Partial<HostLabStatus> = {}): HostLabStatus => ({
  labId,
  title: labId.toUpperCase(),
  phase: 'ready',
  cpuPercent: 50,
  cpuLimitPercent: 100,
  memoryBytes: 256 * MiB,
  memoryLimitBytes: 1024 * MiB,
  diskUsedBytes: 10 * MiB,
  diskLimitBytes: 100 * MiB,
  startedAt: '2026-12-02T10:00:00Z',
  uptimeSeconds: 60,
  terminals: 1,
  kernels: 1,
  warm: false,
  ...over,
});
const stopped = (labId: string) =>
  lab(labId, { phase: 'stopped', cpuPercent: null, memoryBytes: null, diskUsedBytes: null, startedAt: null, uptimeSeconds: null, terminals: 0, kernels: null });
const status = (labs: HostLabStatus[]): HostStatus => ({
  namespace: 'classlab',
  at: '2026-12-02T10:01:00Z',
  tookMs: 900,
  labs,
  orphans: [],
  machine: { cpus: 2, memoryBytes: 8192 * MiB },
});

describe('host overview', () => {
  it('keeps a sample per lab as a share of its limit, at most HISTORY_LENGTH, and forgets labs that are gone', () => {
    let h = addSample({}, status([lab('a', { cpuPercent: 150, cpuLimitPercent: 200 }), stopped('b')]), 1);
    expect(h.a).toEqual([{ at: 1, cpu: 75, memory: 25 }]);
    expect(h.b).toEqual([{ at: 1, cpu: null, memory: null }]);
    for (let i = 2; i <= HISTORY_LENGTH + 5; i++) h = addSample(h, status([lab('a')]), i);
    expect(h.a).toHaveLength(HISTORY_LENGTH);
    expect(h.a![0]!.at).toBe(6);
    expect(h.b).toBeUndefined();
  });

  it('sorts by a column either way, labs without figures last, and a new column starts with the largest', () => {
    const labs = [lab('a', { memoryBytes: 100 }), stopped('b'), lab('c', { memoryBytes: 300 })];
    expect(sortLabs(labs, { key: 'memory', descending: true }).map((l) => l.labId)).toEqual(['c', 'a', 'b']);
    expect(sortLabs(labs, { key: 'memory', descending: false }).map((l) => l.labId)).toEqual(['a', 'c', 'b']);
    expect(sortLabs(labs, { key: 'title', descending: true }).map((l) => l.labId)).toEqual(['c', 'b', 'a']);
    expect(nextSort({ key: 'title', descending: false }, 'cpu')).toEqual({ key: 'cpu', descending: true });
    expect(nextSort({ key: 'cpu', descending: true }, 'cpu')).toEqual({ key: 'cpu', descending: false });
    expect(nextSort({ key: 'cpu', descending: true }, 'title')).toEqual({ key: 'title', descending: false });
  });

  it("adds up the running labs against the machine's cores and memory", () => {
    expect(totals(status([lab('a'), lab('b', { cpuPercent: 25 }), stopped('c')]))).toEqual({
      cpuPercent: 75,
      cpuCapacityPercent: 200,
      memoryBytes: 512 * MiB,
      memoryCapacityBytes: 8192 * MiB,
      memoryLimitsBytes: 2048 * MiB,
      running: 2,
    });
    expect(totals({ ...status([]), machine: null }).cpuCapacityPercent).toBeNull();
  });

  it('draws a sparkline right-aligned, split where a lab was not measured', () => {
    expect(sparkline([0, 100], 10, 10, 3)).toEqual(['5.0,10.0 10.0,0.0']);
    expect(sparkline([50, null, 50], 10, 10, 3)).toEqual(['0.0,5.0', '10.0,5.0']);
    expect(sparkline([], 10, 10, 3)).toEqual([]);
  });

  it('says uptime in minutes, hours or days', () => {
    expect(formatUptime(null)).toBe('–');
    expect(formatUptime(75)).toBe('1m15s');
    expect(formatUptime(7300)).toBe('2h01m');
    expect(formatUptime(3 * 86400 + 7200)).toBe('3d2h');
  });
});
