// The idle rule with fake samples: what counts as idle, what never does (a busy kernel that prints
// nothing), when the warning comes, and that the stop never comes before the whole warning was shown.
import { describe, expect, it } from 'vitest';
import { busyReasons, idleStep, warnPeriod, type IdleSample, type IdleState } from '../../../electron/core/host/idle-rule';

const MIN = 60_000;
const T0 = Date.parse('2026-12-02T14:00:00Z');
const opts = { idleMs: 30 * MIN, warnMs: 5 * MIN, cpuBusyPercent: 5 };

function quiet(at: number, patch: Partial<IdleSample> = {}): IdleSample {
  return {
    at,
    kernels: [{ executionState: 'idle', lastActivity: T0 }],
    notebooksSavedAt: null,
    terminalAt: null,
    viewAt: null,
    cpuPercent: 0.3,
    ...patch,
  };
}

/** Feeds a sample every `every` ms from T0 to `until`, each made by `make`; returns every decision with its time. */
function run(until: number, every: number, make: (at: number) => IdleSample, o = opts) {
  let state: IdleState | null = null;
  const out: Array<{ at: number; kind: string; stopsAt?: number }> = [];
  for (let at = T0; at <= until; at += every) {
    const step = idleStep(state, make(at), o, T0);
    state = step.state;
    out.push({ at, ...step.decision });
  }
  return { out, state: state! };
}

describe('idle rule', () => {
  it('a lab where nothing happens is warned at idle − warning and stopped at idleMinutes', () => {
    const { out } = run(T0 + 31 * MIN, 30_000, (at) => quiet(at));
    const firstWarn = out.find((d) => d.kind === 'warn')!;
    expect(firstWarn.at).toBe(T0 + 25 * MIN);
    expect(firstWarn.stopsAt).toBe(T0 + 30 * MIN);
    expect(out.find((d) => d.kind === 'stop')!.at).toBe(T0 + 30 * MIN);
    expect(out.filter((d) => d.at < T0 + 25 * MIN).every((d) => d.kind === 'active')).toBe(true);
  });

  it('a kernel busy in a silent time.sleep loop is never idle, however long (the JupyterHub culler failure)', () => {
    // Busy, no output (last_activity stays at its start), CPU at zero.
    const { out, state } = run(T0 + 6 * 60 * MIN, 30_000, (at) => quiet(at, { kernels: [{ executionState: 'busy', lastActivity: T0 }], cpuPercent: 0 }));
    expect(out.every((d) => d.kind === 'active')).toBe(true);
    expect(state.busy).toEqual(['a kernel is busy']);
  });

  it('a silent busy loop is never idle: the kernel is busy and the CPU is high', () => {
    const { out, state } = run(T0 + 2 * 60 * MIN, 30_000, (at) => quiet(at, { kernels: [{ executionState: 'busy', lastActivity: T0 }], cpuPercent: 99.6 }));
    expect(out.every((d) => d.kind === 'active')).toBe(true);
    expect(state.busy).toEqual(['a kernel is busy', 'CPU 100 %']);
  });

  it('CPU above the threshold with idle kernels (a silent program in a terminal) is work', () => {
    const { out } = run(T0 + 60 * MIN, 30_000, (at) => quiet(at, { cpuPercent: 40 }));
    expect(out.every((d) => d.kind === 'active')).toBe(true);
  });

  it('what cannot be read counts as busy: a notebook server that does not answer, CPU not measured', () => {
    expect(run(T0 + 60 * MIN, 30_000, (at) => quiet(at, { kernels: null })).out.every((d) => d.kind === 'active')).toBe(true);
    expect(run(T0 + 60 * MIN, 30_000, (at) => quiet(at, { cpuPercent: null })).out.every((d) => d.kind === 'active')).toBe(true);
    expect(busyReasons(quiet(T0, { kernels: null, cpuPercent: null }), 5)).toEqual(['the notebook server did not answer', 'its CPU could not be measured']);
  });

  it('kernel output, a terminal, a saved notebook or input in the view moves the idle start', () => {
    for (const patch of [
      (at: number) => ({ kernels: [{ executionState: 'idle', lastActivity: at - 1000 }] }),
      (at: number) => ({ terminalAt: at - 1000 }),
      (at: number) => ({ notebooksSavedAt: at - 1000 }),
      (at: number) => ({ viewAt: at - 1000 }),
    ]) {
      // Activity until minute 20, then nothing: warned at 45, stopped at 50.
      const { out } = run(T0 + 51 * MIN, 30_000, (at) => quiet(at, at <= T0 + 20 * MIN ? patch(at) : patch(T0 + 20 * MIN + 1000)));
      expect(out.find((d) => d.kind === 'warn')!.at).toBe(T0 + 45 * MIN);
      expect(out.find((d) => d.kind === 'stop')!.at).toBe(T0 + 50 * MIN);
    }
  });

  it('"Keep working" (view input) during the warning withdraws it and starts the idle time again', () => {
    let state: IdleState | null = null;
    for (let at = T0; at <= T0 + 26 * MIN; at += 60_000) state = idleStep(state, quiet(at), opts, T0).state;
    expect(state!.warnedAt).toBe(T0 + 25 * MIN);
    const kept = idleStep(state, quiet(T0 + 27 * MIN, { viewAt: T0 + 27 * MIN }), opts, T0);
    expect(kept.decision).toEqual({ kind: 'active' });
    expect(kept.state).toMatchObject({ idleSince: T0 + 27 * MIN, warnedAt: null });
  });

  it('the stop never comes before the whole warning was shown (a sample after a long sleep)', () => {
    const first = idleStep(null, quiet(T0), opts, T0);
    // The next sample comes 40 minutes later (the computer slept): warned now, stopped 5 minutes later.
    const late = idleStep(first.state, quiet(T0 + 40 * MIN), opts, T0);
    expect(late.decision).toEqual({ kind: 'warn', stopsAt: T0 + 45 * MIN });
    expect(idleStep(late.state, quiet(T0 + 44 * MIN), opts, T0).decision.kind).toBe('warn');
    expect(idleStep(late.state, quiet(T0 + 45 * MIN), opts, T0).decision.kind).toBe('stop');
  });

  it('idleMinutes 0 never stops', () => {
    const { out } = run(T0 + 3 * 24 * 60 * MIN, 10 * MIN, (at) => quiet(at), { ...opts, idleMs: 0 });
    expect(out.every((d) => d.kind === 'never')).toBe(true);
  });

  it('a lab cannot pin itself busy with a date in the future, nor reach before the lab started', () => {
    const future = idleStep(null, quiet(T0, { kernels: [{ executionState: 'idle', lastActivity: T0 + 365 * 24 * 60 * MIN }] }), opts, T0);
    expect(future.state.idleSince).toBe(T0);
    const { out } = run(T0 + 31 * MIN, 60_000, (at) => quiet(at, { notebooksSavedAt: Number.MAX_SAFE_INTEGER, terminalAt: Number.NaN }));
    expect(out.find((d) => d.kind === 'stop')!.at).toBe(T0 + 30 * MIN);
  });

  it('an unknown kernel state is work; idle, starting and dead are not (the watcher confirms idle and starting by asking)', () => {
    expect(busyReasons(quiet(T0, { kernels: [{ executionState: 'starting', lastActivity: null }] }), 5)).toEqual([]);
    expect(busyReasons(quiet(T0, { kernels: [{ executionState: 'idle', lastActivity: T0 - 10_000 }] }), 5)).toEqual([]);
    expect(
      busyReasons(
        quiet(T0, {
          kernels: [
            { executionState: 'weird', lastActivity: null },
            { executionState: 'busy', lastActivity: null },
          ],
        }),
        5,
      ),
    ).toEqual(['2 kernels are busy']);
    expect(busyReasons(quiet(T0, { kernels: [{ executionState: 'dead', lastActivity: null }] }), 5)).toEqual([]);
  });

  it('the warning period is at most half of the idle time', () => {
    expect(warnPeriod(30 * MIN, 5 * MIN)).toBe(5 * MIN);
    expect(warnPeriod(1 * MIN, 5 * MIN)).toBe(30_000);
  });
});
