// The host overview's pure parts: a short history of each lab's CPU and memory (sampled while the screen
// is open), the sort of the table, the machine's totals and a sparkline's points. No React, no API.
import type { HostLabStatus, HostStatus } from '../../../electron/api/contract';

/** How many samples of each lab the sparklines keep (at the screen's polling interval: a few minutes). */
export const HISTORY_LENGTH = 40;

export interface Sample {
  at: number;
  /** CPU % of the lab's own limit (0–100), memory % of its limit; null when not measured (stopped). */
  cpu: number | null;
  memory: number | null;
}

export type History = Record<string, Sample[]>;

const ofLimit = (used: number | null, limit: number) => (used === null || limit <= 0 ? null : Math.min(100, (used / limit) * 100));

/** Adds one status to the history: a sample per lab, the oldest dropped beyond HISTORY_LENGTH; labs gone are forgotten. */
export function addSample(history: History, status: HostStatus, at: number): History {
  const next: History = {};
  for (const l of status.labs) {
    const samples = [...(history[l.labId] ?? []), { at, cpu: ofLimit(l.cpuPercent, l.cpuLimitPercent), memory: ofLimit(l.memoryBytes, l.memoryLimitBytes) }];
    next[l.labId] = samples.slice(-HISTORY_LENGTH);
  }
  return next;
}

export const SORT_KEYS = ['title', 'phase', 'cpu', 'memory', 'disk', 'uptime', 'terminals', 'kernels'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface Sort {
  key: SortKey;
  descending: boolean;
}

function sortValue(l: HostLabStatus, key: SortKey): number | string | null {
  switch (key) {
    case 'title':
      return l.title.toLowerCase();
    case 'phase':
      return l.phase;
    case 'cpu':
      return l.cpuPercent;
    case 'memory':
      return l.memoryBytes;
    case 'disk':
      return l.diskUsedBytes;
    case 'uptime':
      return l.uptimeSeconds;
    case 'terminals':
      return l.terminals;
    case 'kernels':
      return l.kernels;
  }
}

/** The labs in the order asked; labs without a figure (stopped) come last either way, then by title. */
export function sortLabs(labs: HostLabStatus[], sort: Sort): HostLabStatus[] {
  return [...labs].sort((a, b) => {
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    if (x === null || y === null) return x === y ? a.title.localeCompare(b.title) : x === null ? 1 : -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (sort.descending ? -c : c) || a.title.localeCompare(b.title);
  });
}

/** A click on a column: the same column turns the order round; another sorts by it (figures largest first). */
export function nextSort(sort: Sort, key: SortKey): Sort {
  if (sort.key === key) return { key, descending: !sort.descending };
  return { key, descending: key !== 'title' && key !== 'phase' };
}

export interface Totals {
  /** CPU in use, in % of one core, against the machine's cores × 100. */
  cpuPercent: number;
  cpuCapacityPercent: number | null;
  memoryBytes: number;
  memoryCapacityBytes: number | null;
  /** What the running labs' limits add up to (the promise made to them). */
  memoryLimitsBytes: number;
  running: number;
}

export function totals(status: HostStatus): Totals {
  const running = status.labs.filter((l) => l.cpuPercent !== null || l.memoryBytes !== null);
  return {
    cpuPercent: running.reduce((n, l) => n + (l.cpuPercent ?? 0), 0),
    cpuCapacityPercent: status.machine ? status.machine.cpus * 100 : null,
    memoryBytes: running.reduce((n, l) => n + (l.memoryBytes ?? 0), 0),
    memoryCapacityBytes: status.machine?.memoryBytes ?? null,
    memoryLimitsBytes: running.reduce((n, l) => n + l.memoryLimitBytes, 0),
    running: running.length,
  };
}

/** An SVG polyline's points for values 0–100 in a width × height box; gaps (null) split it into runs. */
export function sparkline(values: (number | null)[], width: number, height: number, length = HISTORY_LENGTH): string[] {
  const step = length > 1 ? width / (length - 1) : width;
  const offset = length - values.length;
  const runs: string[] = [];
  let run: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length) runs.push(run.join(' '));
      run = [];
      return;
    }
    const x = (offset + i) * step;
    const y = height - (Math.max(0, Math.min(100, v)) / 100) * height;
    run.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  if (run.length) runs.push(run.join(' '));
  return runs;
}

/** 75 → "1m15s", 7300 → "2h01m"; null → "–". */
export function formatUptime(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  const h = Math.floor(seconds / 3600);
  if (h < 48) return `${h}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}
