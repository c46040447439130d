// When a running lab counts as idle, and when it is warned and stopped (idle auto-stop, issue #13). Pure:
// the watcher (idle-watcher.ts) samples the world and hands each sample here; unit tests hand fakes.
//
// A lab is idle only while ALL of these hold, and it is stopped only when they held for the profile's
// idleMinutes and its warning was shown for the whole warning period:
// - no kernel is busy (execution_state other than idle/dead, whatever the kernel prints or not: a silent
//   `time.sleep` loop or a silent busy loop is busy, the JupyterHub culler's best-known failure);
// - no kernel sent or received anything (the notebook server's own last_activity of each kernel), and no
//   open notebook was saved (the page autosaves an edited notebook every 2 minutes: typing in a notebook);
// - no terminal of ClassLab's sent or received anything;
// - nobody typed or clicked in ClassLab's view of the lab (or pressed "Keep working");
// - the lab's CPU stayed near zero (its CPU time between two samples, as a share of one core).
// Whatever cannot be read (the notebook server does not answer, the CPU could not be measured) counts as
// busy: ClassLab never stops a lab because it could not see what it does.

/**
 * Kernel states that are not work by the notebook server's word. Anything else (busy, restarting, an
 * unknown word) is. 'idle' and 'starting' are only the server's hints (kernel-asks.ts says why): the
 * watcher confirms them by asking the kernel itself before any warning and before any stop, and hands
 * this rule a kernel that did not answer as 'busy'.
 */
const RESTING_KERNEL_STATES = new Set(['idle', 'starting', 'dead']);

function kernelWorking(k: { executionState: string }): boolean {
  return !RESTING_KERNEL_STATES.has(k.executionState);
}

export interface IdleSample {
  /** When it was taken (ms since epoch). */
  at: number;
  /** The notebook server's kernels, or null when it did not answer. */
  kernels: Array<{ executionState: string; lastActivity: number | null }> | null;
  /** The latest last_modified of the notebooks open in sessions (null: none, or not known). */
  notebooksSavedAt: number | null;
  /** The last byte a ClassLab terminal of the lab sent or received. */
  terminalAt: number | null;
  /** The last input in ClassLab's view of the lab, or "Keep working". */
  viewAt: number | null;
  /** The lab's CPU since the previous sample, in % of one core; null when not measured. */
  cpuPercent: number | null;
}

export interface IdleRuleOptions {
  /** The profile's idleMinutes in ms; 0: never stopped for being idle. */
  idleMs: number;
  /** How long the warning is shown before the stop (at most half of idleMs). */
  warnMs: number;
  /** CPU above this (% of one core, averaged between two samples) is work. */
  cpuBusyPercent: number;
}

export interface IdleState {
  /** Since when nothing happened (ms since epoch). */
  idleSince: number;
  /** What kept the lab busy at the last sample, in plain words; empty when it was idle. */
  busy: string[];
  /** When the warning was first shown in this idle stretch, or null. */
  warnedAt: number | null;
}

export type IdleDecision = { kind: 'never' } | { kind: 'active' } | { kind: 'warn'; stopsAt: number } | { kind: 'stop' };

/** The lab's clock is the host's; a few seconds of rounding are allowed. */
const SKEW_MS = 5000;

/** A time a lab reported (hostile): one in the future is not believed (a lab cannot pin itself busy by a date to come). */
function clamp(t: number | null, at: number): number | null {
  if (t === null || !Number.isFinite(t) || t > at + SKEW_MS) return null;
  return Math.min(Math.max(0, t), at);
}

/** What was busy in this sample, in the words the overview and the cap dialog show. */
export function busyReasons(s: IdleSample, cpuBusyPercent: number): string[] {
  const out: string[] = [];
  if (s.kernels === null) out.push('the notebook server did not answer');
  else {
    const working = s.kernels.filter((k) => kernelWorking(k)).length;
    if (working > 0) out.push(working === 1 ? 'a kernel is busy' : `${working} kernels are busy`);
  }
  if (s.cpuPercent === null) out.push('its CPU could not be measured');
  else if (s.cpuPercent > cpuBusyPercent) out.push(`CPU ${Math.round(s.cpuPercent)} %`);
  return out;
}

/** The warning period for a profile: the one asked for, but at most half of the idle time. */
export function warnPeriod(idleMs: number, warnMs: number): number {
  return Math.min(warnMs, Math.floor(idleMs / 2));
}

/**
 * One step: the state after `sample` (prev null: the lab was first seen running at `startedAt`) and what
 * to do now. The warning starts at idleMs − warn; the stop comes at idleMs, and never before the
 * warning has been shown for the whole warning period (a ClassLab that slept, a coarse sample).
 */
export function idleStep(
  prev: IdleState | null,
  sample: IdleSample,
  opts: IdleRuleOptions,
  startedAt = sample.at,
): { state: IdleState; decision: IdleDecision } {
  const at = sample.at;
  const busy = busyReasons(sample, opts.cpuBusyPercent);
  const moments = [
    prev?.idleSince ?? Math.min(startedAt, at),
    ...(sample.kernels ?? []).map((k) => clamp(k.lastActivity, at)),
    clamp(sample.notebooksSavedAt, at),
    clamp(sample.terminalAt, at),
    clamp(sample.viewAt, at),
    busy.length > 0 ? at : null,
  ].filter((t): t is number => t !== null);
  const idleSince = Math.max(...moments);
  // Anything that happened ends the idle stretch, and with it its warning.
  const sameStretch = prev !== null && idleSince === prev.idleSince;
  let warnedAt = sameStretch ? prev.warnedAt : null;

  if (opts.idleMs <= 0) return { state: { idleSince, busy, warnedAt: null }, decision: { kind: 'never' } };
  const warn = warnPeriod(opts.idleMs, opts.warnMs);
  const idleFor = at - idleSince;
  if (busy.length > 0 || idleFor < opts.idleMs - warn) return { state: { idleSince, busy, warnedAt: null }, decision: { kind: 'active' } };
  warnedAt ??= at;
  const stopsAt = Math.max(idleSince + opts.idleMs, warnedAt + warn);
  const state = { idleSince, busy, warnedAt };
  return { state, decision: at >= stopsAt ? { kind: 'stop' } : { kind: 'warn', stopsAt } };
}
