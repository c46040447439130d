import { describe, expect, it } from 'vitest';
import { doubtfulKernels, forgetGone, kernelsAsKnown, type KernelAsk } from '../../../electron/core/host/kernel-asks';

const T = 1_000_000;

describe('what the idle watcher believes of a kernel it asked', () => {
  it('a kernel that did not answer and has done nothing since is running a cell, whatever the server says', () => {
    const asks = new Map<string, KernelAsk>([['k', { from: T, to: T + 8000, before: T - 60_000, answered: false }]]);
    // The server's nudge of the ask's own connection made it say idle, with a last activity inside the ask.
    const seen = kernelsAsKnown([{ id: 'k', executionState: 'idle', lastActivity: T + 2000 }], asks);
    expect(seen).toEqual([{ id: 'k', executionState: 'busy', lastActivity: T - 60_000 }]);
    // Much later, still nothing from it: still busy.
    expect(kernelsAsKnown([{ id: 'k', executionState: 'idle', lastActivity: T + 2000 }], asks)[0]!.executionState).toBe('busy');
  });

  it('once it did something after the ask (its cell ended), the server is believed again', () => {
    const asks = new Map<string, KernelAsk>([['k', { from: T, to: T + 8000, before: T - 60_000, answered: false }]]);
    expect(kernelsAsKnown([{ id: 'k', executionState: 'idle', lastActivity: T + 90_000 }], asks)).toEqual([
      { id: 'k', executionState: 'idle', lastActivity: T + 90_000 },
    ]);
  });

  it("an answered ask leaves the kernel resting, and its own activity is not the student's", () => {
    const asks = new Map<string, KernelAsk>([['k', { from: T, to: T + 8000, before: T - 60_000, answered: true }]]);
    expect(kernelsAsKnown([{ id: 'k', executionState: 'idle', lastActivity: T + 500 }], asks)).toEqual([
      { id: 'k', executionState: 'idle', lastActivity: T - 60_000 },
    ]);
    // Activity after the ask's window is real.
    expect(kernelsAsKnown([{ id: 'k', executionState: 'busy', lastActivity: T + 9000 }], asks)[0]).toEqual({
      id: 'k',
      executionState: 'busy',
      lastActivity: T + 9000,
    });
  });

  it('a dead kernel stays dead; kernels never asked are as the server says', () => {
    const asks = new Map<string, KernelAsk>([['k', { from: T, to: T + 8000, before: T - 60_000, answered: false }]]);
    expect(kernelsAsKnown([{ id: 'k', executionState: 'dead', lastActivity: T - 60_000 }], asks)[0]!.executionState).toBe('dead');
    expect(kernelsAsKnown([{ id: 'j', executionState: 'starting', lastActivity: null }], asks)[0]!.executionState).toBe('starting');
  });

  it('idle and starting are doubted (asked), busy and unknown words are work already, dead is not asked', () => {
    const ks = ['idle', 'starting', 'busy', 'dead', 'weird'].map((s, i) => ({ id: String(i), executionState: s, lastActivity: null }));
    expect(doubtfulKernels(ks).map((k) => k.executionState)).toEqual(['idle', 'starting']);
  });

  it('asks of kernels no longer listed are forgotten', () => {
    const asks = new Map<string, KernelAsk>([
      ['a', { from: T, to: T, before: null, answered: true }],
      ['b', { from: T, to: T, before: null, answered: false }],
    ]);
    forgetGone(asks, [{ id: 'b', executionState: 'idle', lastActivity: null }]);
    expect([...asks.keys()]).toEqual(['b']);
  });
});
