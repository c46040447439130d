// The gate: admin methods run only when the guard admits them; every other method, and a missing one,
// passes as it was.
import { describe, expect, it } from 'vitest';
import type { MethodName } from '../../../electron/api/contract';
import { LabError } from '../../../electron/api/errors';
import { gateAdmin, type AdminGuard } from '../../../electron/core/admin/admin-gate';

function guard(open: boolean) {
  const seen: string[] = [];
  let ended = 0;
  const g: AdminGuard = {
    admit: async (channel: MethodName) => {
      seen.push(channel);
      if (!open) throw new LabError('LOCKED', 'locked');
      return () => void ended++;
    },
  };
  return { g, seen, ended: () => ended };
}

describe('the admin gate', () => {
  it('refuses admin methods while locked, before they run, and lets student methods through', async () => {
    let ran = 0;
    const service = {
      'audit:run': async () => (ran++, []),
      'labs:list': async () => ({ labs: [], problems: [] }),
    };
    const { g, seen } = guard(false);
    const gated = gateAdmin(service, g);
    await expect(gated['audit:run']()).rejects.toMatchObject({ code: 'LOCKED' });
    expect(ran).toBe(0);
    expect(await gated['labs:list']()).toEqual({ labs: [], problems: [] });
    expect(seen).toEqual(['audit:run']);
  });

  it('runs admin methods when admitted, with their arguments and `this`, and reports the end, also of a failure', async () => {
    class Images {
      built: string[] = [];
      async prepare(id: string) {
        this.built.push(id);
        if (id === 'bad') throw new LabError('BUILD_FAILED', 'no');
        return id;
      }
    }
    const images = new Images();
    const service = { 'images:prepare': images.prepare };
    const bound = Object.assign(Object.create(images) as object, service) as typeof service & Images;
    const { g, ended } = guard(true);
    const gated = gateAdmin(bound, g);
    expect(await gated['images:prepare']('python')).toBe('python');
    await expect(gated['images:prepare']('bad')).rejects.toMatchObject({ code: 'BUILD_FAILED' });
    expect(images.built).toEqual(['python', 'bad']);
    expect(ended()).toBe(2);
  });

  it('leaves an absent method absent, so dispatch still answers NOT_SUPPORTED', () => {
    const gated = gateAdmin({} as Partial<Record<MethodName, () => Promise<unknown>>>, guard(false).g);
    expect(Object.keys(gated)).toEqual([]);
  });
});
