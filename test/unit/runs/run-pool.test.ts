import { describe, expect, it } from 'vitest';
import type { RunQueueEvent } from '../../../electron/api/contract';
import { LabError } from '../../../electron/api/errors';
import { poolLimits, RunPool } from '../../../electron/core/runs/run-pool';

/** A job that finishes when the test says so. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

function pool(maxConcurrent: number, maxQueued: number) {
  const events: RunQueueEvent[] = [];
  const p = new RunPool(
    () => poolLimits(maxConcurrent, maxQueued),
    (e) => events.push(e),
  );
  return { p, events };
}

const rid = (n: number) => `r${n.toString(16).padStart(16, '0')}`;

describe('RunPool', () => {
  it('runs at most maxConcurrent at once, the rest in arrival order', async () => {
    const { p } = pool(2, 50);
    const started: number[] = [];
    let going = 0;
    let most = 0;
    const gates = Array.from({ length: 6 }, gate);
    const all = gates.map((g, i) =>
      p.submit('lab', rid(i), async () => {
        started.push(i);
        most = Math.max(most, ++going);
        await g.opened;
        going--;
        return i;
      }),
    );
    expect(p.counts()).toEqual({ running: 2, waiting: 4 });
    for (const g of gates) {
      g.open();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('reports each waiting run its place, and 0 when it starts', async () => {
    const { p, events } = pool(1, 50);
    const g = gate();
    const first = p.submit('lab', rid(0), () => g.opened);
    const second = p.submit('lab', rid(1), async () => undefined);
    const third = p.submit('lab', rid(2), async () => undefined);
    expect(events.filter((e) => e.runId === rid(2)).map((e) => e.position)).toEqual([2]);
    g.open();
    await Promise.all([first, second, third]);
    expect(events.filter((e) => e.runId === rid(2)).map((e) => e.position)).toEqual([2, 1, 0]);
  });

  it('refuses a run beyond the queue with BUSY and a message that says why', async () => {
    const { p } = pool(1, 3);
    const g = gate();
    const taken = [
      p.submit('a', rid(0), () => g.opened),
      p.submit('a', rid(1), () => g.opened),
      p.submit('b', rid(2), () => g.opened),
      p.submit('c', rid(3), () => g.opened),
    ];
    const refused = await p.submit('d', rid(4), async () => 1).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LabError);
    expect((refused as LabError).code).toBe('BUSY');
    expect((refused as LabError).message).toMatch(/3 runs are waiting/);
    g.open();
    await Promise.all(taken);
  });

  it('gives one lab at most half of the queue, and lets the other labs go first', async () => {
    const { p, events } = pool(1, 10);
    const g = gate();
    const order: string[] = [];
    const job = (name: string) => async () => {
      order.push(name);
      await g.opened;
    };
    const flood = [p.submit('flood', rid(0), job('f0'))];
    for (let i = 1; i <= 5; i++) flood.push(p.submit('flood', rid(i), job(`f${i}`)));
    const sixth = await p.submit('flood', rid(6), job('f6')).catch((e: unknown) => e);
    expect((sixth as LabError).code).toBe('BUSY');
    expect((sixth as LabError).message).toMatch(/share of the queue/);
    // The flooding lab is told it is slowed.
    expect(events.some((e) => e.labId === 'flood' && e.throttled && /other labs/.test(e.message ?? ''))).toBe(true);
    const calm = p.submit('calm', rid(9), job('c'));
    expect(events.filter((e) => e.runId === rid(9)).at(-1)?.position).toBe(1);
    g.open();
    await Promise.all([...flood, calm]);
    expect(order.slice(0, 2)).toEqual(['f0', 'c']);
  });

  it('refuses waiting runs when closed, and every run after', async () => {
    const { p } = pool(1, 5);
    const g = gate();
    const running = p.submit('a', rid(0), () => g.opened);
    const waiting = p.submit('a', rid(1), async () => 1);
    p.close(new LabError('BUSY', 'closing'));
    await expect(waiting).rejects.toThrow('closing');
    await expect(p.submit('a', rid(2), async () => 1)).rejects.toThrow(/closing/);
    g.open();
    await running;
  });

  it('a failing run frees its place', async () => {
    const { p } = pool(1, 5);
    const bad = p.submit('a', rid(0), async () => {
      throw new Error('boom');
    });
    const good = p.submit('a', rid(1), async () => 'ok');
    await expect(bad).rejects.toThrow('boom');
    expect(await good).toBe('ok');
    expect(p.counts()).toEqual({ running: 0, waiting: 0 });
  });
});
