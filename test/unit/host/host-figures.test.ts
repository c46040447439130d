// The pure parts of the host's status and backups: figures from Docker's stats answer, backup names.
import { describe, expect, it } from 'vitest';
import { BACKUP_FILE } from '../../../electron/api/contract';
import { restoredFolderName, stampOf } from '../../../electron/core/host/backups';
import { cpuPercent, memoryUsed } from '../../../electron/core/host/host-status';

describe('host status figures', () => {
  it('computes CPU % of one core from two samples, as docker stats does', () => {
    // 0.9 s of CPU over 1 s of the host's time on 2 cores (2 s of system time): 90 % of one core.
    const s = {
      cpu_stats: { cpu_usage: { total_usage: 1_900_000_000 }, system_cpu_usage: 12_000_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 10_000_000_000 },
    };
    expect(cpuPercent(s)).toBe(90);
  });
  it('has no CPU figure without a previous sample', () => {
    expect(cpuPercent({ cpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 10 }, precpu_stats: {} })).toBeNull();
  });
  it('counts memory without the page cache that can be dropped (cgroup v2 and v1)', () => {
    expect(memoryUsed({ memory_stats: { usage: 500, stats: { inactive_file: 200 } } })).toBe(300);
    expect(memoryUsed({ memory_stats: { usage: 500, stats: { total_inactive_file: 100 } } })).toBe(400);
    expect(memoryUsed({ memory_stats: {} })).toBeNull();
  });
});

describe('backup names', () => {
  it('stamps a backup in UTC, with milliseconds when two fall in one second', () => {
    const d = new Date('2026-12-02T06:20:12.345Z');
    expect(stampOf(d)).toBe('20261202T062012Z');
    expect(stampOf(d, true)).toBe('20261202T062012345Z');
    expect(BACKUP_FILE.safeParse(`python-${stampOf(d)}.tar.gz`).success).toBe(true);
    expect(BACKUP_FILE.safeParse(`python-${stampOf(d, true)}.tar.gz`).success).toBe(true);
  });
  it('accepts only its own file names from the UI (no folders, no other files)', () => {
    for (const bad of ['../python-20261202T062012Z.tar.gz', 'python-20261202T062012Z.tar.gz.json', 'x/python-20261202T062012Z.tar.gz', 'python.tar.gz'])
      expect(BACKUP_FILE.safeParse(bad).success).toBe(false);
  });
  it('names the restored folder after the backup date', () => {
    expect(restoredFolderName('2026-12-02T06:20:12.345Z')).toBe('restored-2026-12-02-062012');
  });
});
