// The sandbox check's state as the UI shows it: one entry per lab, filled live from audit:progress and
// made exact by the reports audit:run returns. Pure functions, so the hook only wires them to the API.
import type { AttackResult, AuditProgress, AuditReport } from '../../electron/api/contract';

export type LabCheckStage = 'waiting' | 'starting' | 'running' | 'done';

export interface LabCheck {
  labId: string;
  /** From the catalog, then from the report; null while neither is known. */
  title: string | null;
  stage: LabCheckStage;
  results: AttackResult[];
  /** Why the lab could not be checked (its image is missing, say): not a pass. */
  problem: string | null;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface CheckState {
  /** This view is waiting for audit:run to answer. */
  running: boolean;
  startedAt: number | null;
  finishedAt: number | null;
  labs: LabCheck[];
  /** The reports of the last run that finished, or null. */
  reports: AuditReport[] | null;
}

export const IDLE: CheckState = { running: false, startedAt: null, finishedAt: null, labs: [], reports: null };

/** A new run: every lab that will be looked at waits for its turn, in the catalog's order. */
export function started(labs: { id: string; title: string }[], now: number): CheckState {
  return {
    running: true,
    startedAt: now,
    finishedAt: null,
    reports: null,
    labs: labs.map((l) => ({ labId: l.id, title: l.title, stage: 'waiting', results: [], problem: null, startedAt: null, finishedAt: null })),
  };
}

function withLab(state: CheckState, labId: string, change: (lab: LabCheck) => LabCheck): CheckState {
  const found = state.labs.some((l) => l.labId === labId);
  const blank: LabCheck = { labId, title: null, stage: 'waiting', results: [], problem: null, startedAt: null, finishedAt: null };
  return { ...state, labs: found ? state.labs.map((l) => (l.labId === labId ? change(l) : l)) : [...state.labs, change(blank)] };
}

/** One audit:progress event. Events of a run this view did not start (another window's) show too. */
export function progressed(state: CheckState, p: AuditProgress, now: number): CheckState {
  if (p.stage === 'starting') {
    // A lab starting again means a new run, when this view was not the one that started it.
    const fresh = !state.running && state.labs.some((l) => l.labId === p.labId && l.stage !== 'waiting') ? { ...IDLE } : state;
    return withLab(fresh, p.labId, (l) => ({ ...l, stage: 'starting', results: [], problem: null, startedAt: now, finishedAt: null }));
  }
  if (p.stage === 'result' && p.result) {
    const result = p.result;
    return withLab(state, p.labId, (l) => ({ ...l, stage: 'running', startedAt: l.startedAt ?? now, results: [...l.results, result] }));
  }
  if (p.stage === 'done') return withLab(state, p.labId, (l) => ({ ...l, stage: 'done', finishedAt: now }));
  return state;
}

/** audit:run answered: the reports are the truth (events may have been missed during a reconnection). */
export function finished(state: CheckState, reports: AuditReport[], now: number): CheckState {
  const labs: LabCheck[] = reports.map((r) => ({
    labId: r.labId,
    title: r.title,
    stage: 'done',
    results: r.results,
    problem: r.problem,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  }));
  return { running: false, startedAt: state.startedAt, finishedAt: now, labs, reports };
}

/** audit:run failed: what was seen stays, labs not reached stop waiting. */
export function failed(state: CheckState, now: number): CheckState {
  return { ...state, running: false, finishedAt: now, labs: state.labs.filter((l) => l.stage !== 'waiting') };
}

export interface Tally {
  attacks: number;
  notBlocked: number;
  /** Labs that could not be checked. */
  problems: number;
}

export function tally(labs: LabCheck[]): Tally {
  return labs.reduce<Tally>(
    (t, l) => ({
      attacks: t.attacks + l.results.length,
      notBlocked: t.notBlocked + l.results.filter((r) => !r.blocked).length,
      problems: t.problems + (l.problem ? 1 : 0),
    }),
    { attacks: 0, notBlocked: 0, problems: 0 },
  );
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** "All 23 attacks were blocked." or "2 attacks were NOT blocked — see below." */
export function verdict(t: { attacks: number; notBlocked: number }): string {
  if (t.notBlocked > 0) return `${plural(t.notBlocked, 'attack was', 'attacks were')} NOT blocked — see below.`;
  if (t.attacks === 1) return 'The one attack was blocked.';
  return `All ${t.attacks} attacks were blocked.`;
}

/** "42 s", "3 min 05 s". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

export { plural };
