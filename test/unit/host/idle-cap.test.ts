// The cap on running labs: the decision (who counts, the refusal's words, longest idle first) and the
// gate's admissions, one at a time, with fakes for Docker's list and the idle watcher.
import { describe, expect, it } from 'vitest';
import type { LabIdle } from '../../../electron/api/contract';
import { byLongestIdle, CapGate, capRefusal, type RunningLab } from '../../../electron/core/host/idle-cap';
import { codeOf } from '../../support/fixtures';

const lab = (labId: string, idleSeconds: number | null, busy: string[] = []): RunningLab => ({ labId, title: labId.toUpperCase(), idleSeconds, busy });

describe('cap decision', () => {
  it('admits below the cap and does not count the lab being opened', () => {
    expect(capRefusal({ labId: 'c', title: 'C' }, [lab('a', 10)], 2)).toBeNull();
    expect(capRefusal({ labId: 'a', title: 'A' }, [lab('a', 10), lab('b', 5)], 2)).toBeNull();
  });

  it('refuses at the cap, naming every running lab longest idle first, with why', () => {
    const msg = capRefusal({ labId: 'c', title: 'Octave' }, [lab('a', 30), lab('b', 1500), lab('d', 0, ['a kernel is busy'])], 3);
    expect(msg).toBe(
      'This computer runs at most 3 labs at once, and 3 run now: B (b, idle for 25 min); A (a, idle for less than a minute); D (d, busy: a kernel is busy). Stop one of them first, then open Octave again.',
    );
  });

  it('sorts labs whose idle time is not known last', () => {
    expect(byLongestIdle([lab('a', null), lab('b', 3), lab('c', 90)]).map((l) => l.labId)).toEqual(['c', 'b', 'a']);
  });
});

describe('cap gate', () => {
  const idle = (labs: Array<[string, number]>): LabIdle[] =>
    labs.map(([labId, s]) => ({ labId, title: labId, idleMinutes: 30, idleSince: 0, idleSeconds: s, busy: [], stopsAt: null }));

  it('refuses with TOO_MANY_LABS when Docker shows the cap reached', async () => {
    const gate = new CapGate({ max: () => 1, runningIds: async () => ['a'], idle: () => idle([['a', 600]]), title: (id) => id });
    expect(await codeOf(gate.admit('b'))).toBe('TOO_MANY_LABS');
    await expect(gate.admit('b')).rejects.toThrow(/a \(a, idle for 10 min\)/);
  });

  it('two opens at once cannot both take the last place; a released admission frees it', async () => {
    const gate = new CapGate({ max: () => 1, runningIds: async () => [], idle: () => [], title: (id) => id });
    const [first, second] = await Promise.allSettled([gate.admit('a'), gate.admit('b')]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    (first as PromiseFulfilledResult<() => void>).value();
    const again = await gate.admit('b');
    expect(typeof again).toBe('function');
  });

  it('reads the cap live (a changed setting applies to the next open)', async () => {
    let max = 1;
    const gate = new CapGate({ max: () => max, runningIds: async () => ['a'], idle: () => [], title: (id) => id });
    expect(await codeOf(gate.admit('b'))).toBe('TOO_MANY_LABS');
    max = 2;
    expect(typeof (await gate.admit('b'))).toBe('function');
  });

  it('stops a warm lab to make room before it refuses, and never for a warm start itself', async () => {
    let running = ['a', 'w'];
    const evicted: string[] = [];
    const evictWarm = async (except: string) => {
      if (!running.includes('w') || except === 'w') return false;
      evicted.push('w');
      running = running.filter((id) => id !== 'w');
      return true;
    };
    const gate = new CapGate({ max: () => 2, runningIds: async () => running, idle: () => [], title: (id) => id, evictWarm });
    expect(await codeOf(gate.admit('b', { evictWarm: false }))).toBe('TOO_MANY_LABS');
    expect(evicted).toEqual([]);
    expect(typeof (await gate.admit('b'))).toBe('function');
    expect(evicted).toEqual(['w']);
    // Nothing warm left: the next one over the cap is refused as before.
    expect(await codeOf(gate.admit('c'))).toBe('TOO_MANY_LABS');
  });
});
